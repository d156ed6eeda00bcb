import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyService, ApiKeyView } from '@herald/auth';
import { RequireScopes } from '../auth/scopes.decorator';
import { CreateApiKeyDto } from '../dto/create-api-key.dto';

@ApiTags('api-keys')
@RequireScopes('admin')
@Controller('v1/admin/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  create(@Body() body: CreateApiKeyDto): Promise<ApiKeyView & { key: string }> {
    return this.keys.create(body.name, body.scopes);
  }

  @Get()
  async list(): Promise<{ items: ApiKeyView[]; nextCursor: null }> {
    return { items: await this.keys.list(), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
