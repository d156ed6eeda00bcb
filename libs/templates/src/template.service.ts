import { Injectable } from '@nestjs/common';
import { canonicalHash, CHANNELS, Channel, FieldError, fieldErrors, HeraldError, ValidationError } from '@herald/core';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ChannelContentDto } from './dto/channel-content.dto';
import { DraftPreviewDto, PreviewTemplateDto, TemplateDefinitionDto } from './dto/template-definition.dto';
import { stepsErrors } from './orchestration/orchestration-rules';
import { TemplateRenderer } from './rendering/template-renderer';
import { checkThrottleKey } from './throttle/throttle-rule';
import { TemplateRepository, TemplateRow } from './template.repository';
import { TemplateNotFoundError } from './templates.errors';
import type { ChannelContentMap, ResolvedTemplate, TemplateDefinition, TemplateView } from './template.types';

const LOCALE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

function view({ template, version }: TemplateRow): TemplateView {
  return {
    key: template.key,
    version: version.version,
    ...version.definition,
    createdAt: template.createdAt.toISOString(),
    updatedAt: version.createdAt.toISOString(),
  };
}

export function templateChannels(content: ChannelContentMap): Channel[] {
  return CHANNELS.filter((channel) => content[channel] !== undefined);
}

/** Locale variants are free-form keys, so class-validator checks each variant's fields here. */
function checkLocales(locales: TemplateDefinitionDto['locales'], channels: ChannelContentMap): FieldError[] {
  const errors: FieldError[] = [];
  for (const [locale, variant] of Object.entries(locales ?? {})) {
    if (!LOCALE.test(locale))
      errors.push({ path: `locales.${locale}`, message: 'is not a locale tag such as fr or pt-BR' });
    if (!variant || typeof variant !== 'object') {
      errors.push({ path: `locales.${locale}`, message: 'must be an object of channel overrides' });
      continue;
    }
    for (const channel of Object.keys(variant)) {
      if (!channels[channel as Channel]) {
        errors.push({
          path: `locales.${locale}.${channel}`,
          message: 'overrides a channel the template does not have',
        });
      }
    }
    const full = Object.fromEntries(
      Object.entries(variant).map(([channel, fields]) => [channel, { ...channels[channel as Channel], ...fields }]),
    );
    const dto = plainToInstance(ChannelContentDto, full);
    errors.push(
      ...fieldErrors(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }), `locales.${locale}`),
    );
  }
  return errors;
}

@Injectable()
export class TemplateService {
  constructor(
    private readonly repository: TemplateRepository,
    private readonly renderer: TemplateRenderer,
  ) {}

  /** Creates the template, or adds a version when the content changed; `created` tells which. */
  async put(key: string, dto: TemplateDefinitionDto): Promise<{ template: TemplateView; created: boolean }> {
    const definition = this.checked(dto);
    const hash = canonicalHash(definition);

    return this.repository.transaction(async (manager) => {
      const existing = await this.repository.lockTemplate(manager, key);
      if (existing && !existing.deletedAt) {
        const active = await this.repository.findVersion(key, existing.activeVersion, manager);
        if (active?.definitionHash === hash)
          return { template: view({ template: existing, version: active }), created: false };
      }
      const next = await this.repository.nextVersion(manager, key);
      // The template row first: versions reference it.
      const template = await this.repository.saveTemplate(manager, {
        key,
        activeVersion: next,
        deletedAt: null,
        updatedAt: new Date(),
      });
      const version = await this.repository.insertVersion(manager, key, next, definition, hash);
      return { template: view({ template, version }), created: !existing || existing.deletedAt !== null };
    });
  }

  async get(key: string): Promise<TemplateView> {
    const row = await this.repository.findActive(key);
    if (!row) throw new TemplateNotFoundError(key);
    return view(row);
  }

  async list(): Promise<TemplateView[]> {
    return (await this.repository.listActive()).map(view);
  }

  async versions(key: string): Promise<TemplateView[]> {
    const row = await this.repository.findActive(key);
    if (!row) throw new TemplateNotFoundError(key);
    const versions = await this.repository.listVersions(key);
    return versions.map((version) => view({ template: row.template, version }));
  }

  async activate(key: string, version: number): Promise<TemplateView> {
    return this.repository.transaction(async (manager) => {
      const template = await this.repository.lockTemplate(manager, key);
      if (!template || template.deletedAt) throw new TemplateNotFoundError(key);
      const target = await this.repository.findVersion(key, version, manager);
      if (!target) throw new TemplateNotFoundError(key, version);
      template.activeVersion = version;
      const saved = await this.repository.saveTemplate(manager, template);
      return view({ template: saved, version: target });
    });
  }

  async remove(key: string): Promise<void> {
    if (!(await this.repository.markDeleted(key))) throw new TemplateNotFoundError(key);
  }

  async preview(key: string, dto: PreviewTemplateDto): Promise<ChannelContentMap> {
    const template = await this.resolve(key, dto.version ?? undefined);
    return this.renderer.render(
      template.definition,
      templateChannels(template.definition.channels),
      dto.data ?? {},
      dto.locale,
    );
  }

  /**
   * Renders a template body that is not saved (the console's editor, as the user types): checked as a PUT would
   * check it, so what previews is what saves.
   */
  previewDraft(dto: DraftPreviewDto): ChannelContentMap {
    let definition: TemplateDefinition;
    try {
      definition = this.checked(dto.template);
    } catch (error) {
      // The body is under `template` here: the fields' paths say so, as the validation pipe's do.
      if (!(error instanceof HeraldError) || !error.errors) throw error;
      const errors = error.errors.map((field) => ({ ...field, path: `template.${field.path}` }));
      throw new HeraldError(error.code, error.status, error.title, error.detail, errors, error.headers);
    }
    return this.renderer.render(definition, templateChannels(definition.channels), dto.data ?? {}, dto.locale);
  }

  /** The body of a PUT as a definition, refused with every bad field, and with the line of what does not compile. */
  private checked(dto: TemplateDefinitionDto): TemplateDefinition {
    const definition: TemplateDefinition = {
      name: dto.name,
      category: dto.category,
      critical: dto.critical ?? false,
      channels: JSON.parse(JSON.stringify(dto.channels)) as ChannelContentMap,
      locales: dto.locales ?? {},
      schema: dto.schema,
      ...(dto.throttle ? { throttle: { ...dto.throttle } } : {}),
      ...(dto.digest ? { digest: { ...dto.digest } } : {}),
      ...(dto.steps ? { steps: dto.steps.map((step) => ({ ...step })) } : {}),
    };
    const errors: FieldError[] = [];
    if (!templateChannels(definition.channels).length) {
      errors.push({ path: 'channels', message: 'must define at least one channel' });
    }
    errors.push(...checkLocales(dto.locales, definition.channels));
    errors.push(...checkThrottleKey(definition.throttle));
    errors.push(...stepsErrors(definition.steps, definition.channels));
    if (errors.length) throw new ValidationError(errors);
    this.renderer.check(definition);
    return definition;
  }

  /** The active version of each of `keys` (distinct) in one statement; a key absent from the map has none. */
  async resolveActive(keys: string[]): Promise<Map<string, ResolvedTemplate>> {
    const found = await this.repository.findActiveDefinitions(keys);
    return new Map([...found].map(([key, { version, definition }]) => [key, { key, version, definition }]));
  }

  /** The version to render: the active one unless a version is named. */
  async resolve(key: string, version?: number): Promise<ResolvedTemplate> {
    const row = await this.repository.findActive(key);
    if (!row) throw new TemplateNotFoundError(key);
    if (version === undefined || version === row.version.version) {
      return { key, version: row.version.version, definition: row.version.definition };
    }
    const other = await this.repository.findVersion(key, version);
    if (!other) throw new TemplateNotFoundError(key, version);
    return { key, version, definition: other.definition };
  }
}
