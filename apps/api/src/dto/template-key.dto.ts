import { Type } from 'class-transformer';
import { IsInt, Matches, Min } from 'class-validator';

export class TemplateKeyParam {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'key must be 1-128 letters, digits or ._-' }) key!: string;
}

export class TemplateVersionParam extends TemplateKeyParam {
  @Type(() => Number) @IsInt() @Min(1) n!: number;
}
