import { ArgumentMetadata, ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationError } from '../core.errors';
import { INPUT_LIMITS, jsonShapeErrors } from './input-limits';

const CHECKED_PER_ITEM = Symbol('checkedPerItem');

/**
 * Marks a DTO property whose items are validated one by one later (a batch's notifications): the pipe checks
 * their nesting with the body, and leaves their text to the validation of each item, so one bad item does not
 * refuse the others.
 */
export function CheckedPerItem(): PropertyDecorator {
  return (target, property) => {
    const marked = (Reflect.getOwnMetadata(CHECKED_PER_ITEM, target.constructor) as string[] | undefined) ?? [];
    Reflect.defineMetadata(CHECKED_PER_ITEM, [...marked, String(property)], target.constructor);
  };
}

/**
 * Nest's ValidationPipe, after the checks no DTO states (jsonShapeErrors): bodies, messages, paths and queries
 * are first held to the body depth and refused with NUL characters or broken Unicode, all of which would
 * otherwise end as a 500 from class-transformer, a validator or PostgreSQL.
 */
class HeraldValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A custom parameter (a transport's @Ctx(): the RabbitMQ message and channel) is no input: Nest's own pipe
    // leaves it alone too.
    if (metadata.type === 'custom') return value;
    const metatype = metadata.metatype as object | undefined;
    const checkedPerItem = metatype
      ? (Reflect.getMetadata(CHECKED_PER_ITEM, metatype) as string[] | undefined)
      : undefined;
    const errors = jsonShapeErrors(value, { checkedPerItem, root: metadata.data });
    if (errors.length) throw new ValidationError(errors);
    return super.transform(value, metadata);
  }
}

/** Flattens class-validator's tree into one entry per bad field, addressed by JSON path. */
export function fieldErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: message.replace(/^property /, ''),
    }));
    return [...own, ...fieldErrors(error.children ?? [], path)];
  });
}

/** Whitelisting pipe: unknown fields are refused, every bad field is listed. */
export function createValidationPipe(): ValidationPipe {
  return new HeraldValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError(fieldErrors(errors).slice(0, INPUT_LIMITS.reportedErrors)),
  });
}
