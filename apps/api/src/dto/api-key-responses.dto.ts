import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiKeyView, CallerView, Scope, SCOPES } from '@herald/auth';

@ApiSchema({ name: 'ApiKey' })
export class ApiKeyViewDto implements ApiKeyView {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ type: String }) name: string;
  @ApiProperty({ enum: SCOPES, enumName: 'Scope', isArray: true }) scopes: Scope[];
  /** The first characters of the key, to tell keys apart. */
  @ApiProperty({ type: String }) prefix: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

/** A new key: the secret `key` is shown this once. */
@ApiSchema({ name: 'CreatedApiKey' })
export class CreatedApiKeyDto extends ApiKeyViewDto {
  @ApiProperty({ type: String }) key: string;
}

@ApiSchema({ name: 'ApiKeyList' })
export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyViewDto] }) items: ApiKeyViewDto[];
  /** Always null: every active key fits one page. */
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

/** The caller of `GET /v1/me`; ADMIN_API_KEY answers id `env:ADMIN_API_KEY`. */
@ApiSchema({ name: 'Caller' })
export class CallerViewDto implements CallerView {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ type: String }) name: string;
  @ApiProperty({ enum: SCOPES, enumName: 'Scope', isArray: true }) scopes: Scope[];
}
