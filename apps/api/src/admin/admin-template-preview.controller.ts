import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ChannelContentDto, ChannelContentMap, DraftPreviewDto, TemplateService } from '@herald/templates';
import { RequireScopes } from '../auth/scopes.decorator';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS } from '../http/openapi.decorators';

@ApiTags('templates')
@ApiKeyProtected()
@RequireScopes('admin')
@Controller('v1/admin/template-preview')
export class AdminTemplatePreviewController {
  constructor(private readonly templates: TemplateService) {}

  /**
   * Renders a template body without saving it (the console's editor previews as the user types); refused as
   * `PUT /v1/admin/templates/{key}` would refuse it. `POST .../templates/{key}/preview` renders saved versions.
   */
  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: ChannelContentDto, description: 'The rendered content of every channel' })
  @ApiProblems(...BODY_PROBLEMS)
  preview(@Body() body: DraftPreviewDto): ChannelContentMap {
    return this.templates.previewDraft(body);
  }
}
