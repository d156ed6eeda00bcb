import { Matches } from 'class-validator';
import { INT4_MAX, IsIntegerText } from '@herald/core';

export class TemplateKeyParam {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'key must be 1-128 letters, digits or ._-' }) key!: string;
}

export class TemplateVersionParam extends TemplateKeyParam {
  /** Versions are PostgreSQL integers: past INT4_MAX none can exist, and the query would fail. */
  @IsIntegerText(1, INT4_MAX) n!: number;
}
