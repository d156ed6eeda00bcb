import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyService, ApiKeyView } from '@herald/auth';
import { RequireScopes } from '../auth/scopes.decorator';
import { ApiKeyListDto, CreatedApiKeyDto } from '../dto/api-key-responses.dto';
import { CreateApiKeyDto } from '../dto/create-api-key.dto';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS } from '../http/openapi.decorators';

@ApiTags('api-keys')
@ApiKeyProtected()
@RequireScopes('admin')
@Controller('v1/admin/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The new key; `key` is shown this once' })
  @ApiProblems(...BODY_PROBLEMS)
  create(@Body() body: CreateApiKeyDto): Promise<ApiKeyView & { key: string }> {
    return this.keys.create(body.name, body.scopes);
  }

  @Get()
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(): Promise<{ items: ApiKeyView[]; nextCursor: null }> {
    return { items: await this.keys.list(), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 404)
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
