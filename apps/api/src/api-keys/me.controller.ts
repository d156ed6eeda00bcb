import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiCaller, ApiKeyService, CallerView, SCOPES } from '@herald/auth';
import { Caller, RequireScopes } from '../auth/scopes.decorator';
import { CallerViewDto } from '../dto/api-key-responses.dto';
import { ApiKeyProtected } from '../http/openapi.decorators';

/**
 * Who the caller is. Any valid key may ask: a client (the console at /admin) learns which scopes its key has,
 * so it offers only what the key may do, without probing routes for 403s.
 */
@ApiTags('api-keys')
@ApiKeyProtected()
@RequireScopes(...SCOPES)
@Controller('v1/me')
export class MeController {
  constructor(private readonly keys: ApiKeyService) {}

  /** The caller's API key: id, name and scopes (never the secret). */
  @Get()
  @ApiOkResponse({ type: CallerViewDto })
  me(@Caller() caller: ApiCaller): Promise<CallerView> {
    return this.keys.describe(caller);
  }
}
