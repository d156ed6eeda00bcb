import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PreferencesService, PutPreferencesDto, RecipientIdParam, RecipientPreferences } from '@herald/recipients';
import { RequireScopes } from '../auth/scopes.decorator';

@ApiTags('recipients')
@Controller('v1/recipients/:id/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  /** Replaces the recipient's opt-outs; the recipient must exist (404 otherwise). */
  @Put()
  @RequireScopes('recipients')
  put(@Param() { id }: RecipientIdParam, @Body() body: PutPreferencesDto): Promise<RecipientPreferences> {
    return this.preferences.put(id, body);
  }

  @Get()
  @RequireScopes('recipients', 'read')
  get(@Param() { id }: RecipientIdParam): Promise<RecipientPreferences> {
    return this.preferences.get(id);
  }
}
