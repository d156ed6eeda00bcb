import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TemplateVersionEntity } from './entities/template-version.entity';
import { TemplateEntity } from './entities/template.entity';
import { TemplateRenderer } from './rendering/template-renderer';
import { TemplateRepository } from './template.repository';
import { TemplateService } from './template.service';

@Module({
  imports: [TypeOrmModule.forFeature([TemplateEntity, TemplateVersionEntity])],
  providers: [TemplateRepository, TemplateService, TemplateRenderer],
  exports: [TemplateService, TemplateRenderer],
})
export class TemplatesModule {}
