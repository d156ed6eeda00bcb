import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PreferencesService, PutPreferencesDto, RecipientIdParam, RecipientPreferences } from '@herald/recipients';
import { RequireScopes } from '../auth/scopes.decorator';
import { RecipientPreferencesDto } from '../dto/recipient-responses.dto';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS } from '../http/openapi.decorators';

@ApiTags('recipients')
@ApiKeyProtected()
@Controller('v1/recipients/:id/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  /** Replaces the recipient's opt-outs; the recipient must exist (404 otherwise). */
  @Put()
  @ApiOkResponse({ type: RecipientPreferencesDto })
  @ApiProblems(...BODY_PROBLEMS, 404)
  @RequireScopes('recipients')
  put(@Param() { id }: RecipientIdParam, @Body() body: PutPreferencesDto): Promise<RecipientPreferences> {
    return this.preferences.put(id, body);
  }

  @Get()
  @ApiOkResponse({ type: RecipientPreferencesDto })
  @ApiProblems(404, 422)
  @RequireScopes('recipients', 'read')
  get(@Param() { id }: RecipientIdParam): Promise<RecipientPreferences> {
    return this.preferences.get(id);
  }
}
