import { FieldError, HeraldError } from '@herald/core';

export class TemplateNotFoundError extends HeraldError {
  constructor(key: string, version?: number) {
    super(
      'template-not-found',
      404,
      'Template not found',
      version === undefined ? `Template "${key}" does not exist.` : `Template "${key}" has no version ${version}.`,
    );
  }
}

/** A template that does not compile, or a schema that is not valid JSON Schema. */
export class TemplateInvalidError extends HeraldError {
  constructor(errors: FieldError[]) {
    super(
      'template-invalid',
      422,
      'Template is invalid',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    );
  }
}

/** Data that fails the template's schema or does not render with it. */
export class TemplateDataError extends HeraldError {
  constructor(errors: FieldError[]) {
    super(
      'template-data-invalid',
      422,
      'Data does not fit the template',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    );
  }
}
