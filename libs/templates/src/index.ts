export * from './dto/channel-content.dto';
export * from './dto/template-definition.dto';
export * from './rendering/herald-variables';
export * from './rendering/template-renderer';
export * from './templates.errors';
export * from './template.service';
export * from './template.types';
export * from './templates.module';
