import { ArrayMinSize, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { SCOPES, Scope } from '@herald/auth';

export class CreateApiKeyDto {
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsArray() @ArrayMinSize(1) @IsIn(SCOPES, { each: true }) scopes!: Scope[];
}
