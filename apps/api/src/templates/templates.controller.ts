import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  ChannelContentMap,
  PreviewTemplateDto,
  TemplateDefinitionDto,
  TemplateService,
  TemplateView,
} from '@herald/templates';
import type { Response } from 'express';
import { RequireScopes } from '../auth/scopes.decorator';
import { TemplateKeyParam, TemplateVersionParam } from '../dto/template-key.dto';

@ApiTags('templates')
@RequireScopes('admin')
@Controller('v1/admin/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplateService) {}

  @Put(':key')
  async put(
    @Param() { key }: TemplateKeyParam,
    @Body() body: TemplateDefinitionDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TemplateView> {
    const { template, created } = await this.templates.put(key, body);
    res.status(created ? 201 : 200);
    return template;
  }

  @Get()
  async list(): Promise<{ items: TemplateView[] }> {
    return { items: await this.templates.list() };
  }

  @Get(':key')
  get(@Param() { key }: TemplateKeyParam): Promise<TemplateView> {
    return this.templates.get(key);
  }

  @Get(':key/versions')
  async versions(@Param() { key }: TemplateKeyParam): Promise<{ items: TemplateView[] }> {
    return { items: await this.templates.versions(key) };
  }

  @Post(':key/versions/:n/activate')
  @HttpCode(200)
  activate(@Param() { key, n }: TemplateVersionParam): Promise<TemplateView> {
    return this.templates.activate(key, n);
  }

  @Delete(':key')
  @HttpCode(204)
  async remove(@Param() { key }: TemplateKeyParam): Promise<void> {
    await this.templates.remove(key);
  }

  @Post(':key/preview')
  @HttpCode(200)
  preview(@Param() { key }: TemplateKeyParam, @Body() body: PreviewTemplateDto): Promise<ChannelContentMap> {
    return this.templates.preview(key, body);
  }
}
