import { IsBoundedJsonObject } from '@herald/core';
import {
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsE164Phone, IsEmailAddress, IsHttpUrl } from './address.validators';

@ValidatorConstraint({ name: 'timezone' })
class IanaTimezone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return '$property must be an IANA time zone such as Europe/Paris';
  }
}

export const RECIPIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@|-]{0,254}$/;

/** Body of `PUT /v1/recipients/{id}`: the whole recipient, replacing what was stored. */
export class PutRecipientDto {
  @IsOptional() @IsEmailAddress() email?: string;
  @IsOptional() @IsE164Phone() phone?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/) locale?: string;
  @IsOptional() @Validate(IanaTimezone) timezone?: string;
  @IsOptional() @IsHttpUrl() webhookUrl?: string;
  /** At most 32 levels and 64 KiB as JSON (INPUT_LIMITS). */
  @IsOptional() @IsBoundedJsonObject() data?: Record<string, unknown>;
}

export class RecipientIdParam {
  @IsString()
  @MaxLength(255)
  @Matches(RECIPIENT_ID, { message: 'id must be 1-255 letters, digits or ._:@|-' })
  id!: string;
}
