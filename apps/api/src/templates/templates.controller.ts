import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ChannelContentDto,
  ChannelContentMap,
  PreviewTemplateDto,
  TemplateDefinitionDto,
  TemplateService,
  TemplateView,
} from '@herald/templates';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/scopes.decorator';
import { TemplateKeyParam, TemplateVersionParam } from '../dto/template-key.dto';
import { TemplateListDto, TemplateViewDto } from '../dto/template-responses.dto';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS } from '../http/openapi.decorators';

@ApiTags('templates')
@ApiKeyProtected()
@RequireScopes('admin')
@Controller('v1/admin/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplateService) {}

  @Put(':key')
  @ApiCreatedResponse({ type: TemplateViewDto, description: 'Created: version 1' })
  @ApiOkResponse({ type: TemplateViewDto, description: 'Updated: a new version when the content changed' })
  @ApiProblems(...BODY_PROBLEMS)
  async put(
    @Param() { key }: TemplateKeyParam,
    @Body() body: TemplateDefinitionDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TemplateView> {
    const { template, created } = await this.templates.put(key, body);
    res.status(created ? 201 : 200);
    return template;
  }

  @Get()
  @ApiOkResponse({ type: TemplateListDto, description: 'Every template, its current version' })
  async list(): Promise<{ items: TemplateView[] }> {
    return { items: await this.templates.list() };
  }

  @Get(':key')
  @ApiOkResponse({ type: TemplateViewDto, description: 'The current version' })
  @ApiProblems(404, 422)
  get(@Param() { key }: TemplateKeyParam): Promise<TemplateView> {
    return this.templates.get(key);
  }

  @Get(':key/versions')
  @ApiOkResponse({ type: TemplateListDto, description: 'Every version' })
  @ApiProblems(404, 422)
  async versions(@Param() { key }: TemplateKeyParam): Promise<{ items: TemplateView[] }> {
    return { items: await this.templates.versions(key) };
  }

  @Post(':key/versions/:n/activate')
  @HttpCode(200)
  @ApiOkResponse({ type: TemplateViewDto, description: 'The version now current' })
  @ApiProblems(404, 422)
  activate(@Param() { key, n }: TemplateVersionParam): Promise<TemplateView> {
    return this.templates.activate(key, n);
  }

  @Delete(':key')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 422)
  async remove(@Param() { key }: TemplateKeyParam): Promise<void> {
    await this.templates.remove(key);
  }

  @Post(':key/preview')
  @HttpCode(200)
  @ApiOkResponse({ type: ChannelContentDto, description: 'The rendered content of every channel' })
  @ApiProblems(...BODY_PROBLEMS, 404)
  preview(@Param() { key }: TemplateKeyParam, @Body() body: PreviewTemplateDto): Promise<ChannelContentMap> {
    return this.templates.preview(key, body);
  }
}
