import { ArrayMinSize, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { SCOPES, Scope } from '../auth/scope';

export class CreateApiKeyDto {
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsArray() @ArrayMinSize(1) @IsIn(SCOPES, { each: true }) scopes!: Scope[];
}
