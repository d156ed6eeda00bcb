import { Injectable } from '@nestjs/common';
import type { Channel, FieldError } from '@herald/core';
import Ajv, { ValidateFunction } from 'ajv';
import Handlebars from 'handlebars';
import type { ChannelContentMap, LocaleOverrides, TemplateDefinition } from '../template.types';
import { TemplateDataError, TemplateInvalidError } from '../templates.errors';
import { HeraldVariables, NO_HERALD_VARIABLES } from './herald-variables';

type Compiled = (data: unknown) => string;

/** Only email HTML is HTML: escaping `&` in an SMS or a JSON payload would corrupt it. */
function isHtml(path: string): boolean {
  return path === 'email.html';
}

/** Every template string of a content map, addressed by its path (`email.subject`, `webhook.payload.order`). */
function strings(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, index) => strings(item, `${path}[${index}]`, out));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) strings(item, path ? `${path}.${key}` : key, out);
  }
  return out;
}

/** Locale variants override per field and fall back to the default content. */
export function localize(channels: ChannelContentMap, locales: LocaleOverrides, locale?: string): ChannelContentMap {
  const candidates = locale ? [locale, locale.split(/[-_]/)[0]] : [];
  const override = candidates.map((name) => locales[name]).find(Boolean);
  if (!override) return channels;
  const merged: Record<string, unknown> = { ...channels };
  for (const [channel, fields] of Object.entries(override)) {
    const base = channels[channel as Channel];
    if (base) merged[channel] = { ...base, ...fields };
  }
  return merged;
}

@Injectable()
export class TemplateRenderer {
  private readonly handlebars = Handlebars.create();
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, Compiled>();
  private readonly schemas = new Map<string, ValidateFunction>();

  /** Checks every string compiles and the schema is valid JSON Schema; lists each problem with its line. */
  check(definition: TemplateDefinition): void {
    const errors: FieldError[] = [];
    const sources = [...strings(definition.channels, 'channels'), ...strings(definition.locales, 'locales')];
    if (definition.digest) sources.push(['digest.key', definition.digest.key]);
    for (const [path, source] of sources) {
      try {
        this.handlebars.precompile(source, { strict: true });
      } catch (error) {
        errors.push({ path, message: (error as Error).message.split('\n').slice(0, 2).join(' ') });
      }
    }
    if (definition.schema) {
      try {
        this.ajv.compile(definition.schema);
      } catch (error) {
        errors.push({ path: 'schema', message: (error as Error).message });
      }
    }
    if (errors.length) throw new TemplateInvalidError(errors);
  }

  /**
   * Validates data against the schema, then renders the requested channels with the data and Herald's variables
   * (the schema judges the sender's data alone); any failure is the caller's 422.
   */
  render(
    definition: Pick<TemplateDefinition, 'channels' | 'locales' | 'schema'>,
    channels: Channel[],
    data: Record<string, unknown>,
    locale?: string,
    variables: HeraldVariables = NO_HERALD_VARIABLES,
  ): ChannelContentMap {
    if (definition.schema) this.validateData(definition.schema, data);
    const content = localize(definition.channels, definition.locales, locale);
    const context = { ...data, ...variables };
    const errors: FieldError[] = [];
    const rendered: Record<string, unknown> = {};
    for (const channel of channels) {
      rendered[channel] = this.renderValue(content[channel], channel, context, errors);
    }
    // The source is one line (EmailContentDto), but data can bring a line break into the Subject header.
    const subject = (rendered.email as { subject?: unknown } | undefined)?.subject;
    if (typeof subject === 'string' && /[\r\n]/.test(subject)) {
      errors.push({ path: 'content.email.subject', message: 'renders with a line break: a subject is one line' });
    }
    if (errors.length) throw new TemplateDataError(errors);
    return rendered;
  }

  /**
   * One text with `data` alone, unescaped (a digest's key): the data is checked against `schema` first, as `render`
   * does. Any failure is the caller's 422, its path `path`.
   */
  renderText(source: string, data: Record<string, unknown>, schema: Record<string, unknown> | undefined, path: string) {
    if (schema) this.validateData(schema, data);
    try {
      return this.template(source, false)(data);
    } catch (error) {
      throw new TemplateDataError([{ path, message: (error as Error).message.split('\n')[0] }]);
    }
  }

  private renderValue(value: unknown, path: string, data: unknown, errors: FieldError[]): unknown {
    if (typeof value === 'string') {
      try {
        return this.template(value, isHtml(path))(data);
      } catch (error) {
        errors.push({ path: `content.${path}`, message: (error as Error).message.split('\n')[0] });
        return undefined;
      }
    }
    if (Array.isArray(value))
      return value.map((item, index) => this.renderValue(item, `${path}[${index}]`, data, errors));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.renderValue(item, `${path}.${key}`, data, errors)]),
      );
    }
    return value;
  }

  private validateData(schema: Record<string, unknown>, data: Record<string, unknown>): void {
    const cacheKey = JSON.stringify(schema);
    let validate = this.schemas.get(cacheKey);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.schemas.set(cacheKey, validate);
    }
    if (validate(data)) return;
    throw new TemplateDataError(
      (validate.errors ?? []).map((error) => ({
        path: `data${error.instancePath.replace(/\//g, '.')}${
          error.keyword === 'required' ? `.${String(error.params.missingProperty)}` : ''
        }`,
        message: error.message ?? error.keyword,
      })),
    );
  }

  private template(source: string, escape: boolean): Compiled {
    const cacheKey = `${escape ? 'h' : 't'}:${source}`;
    let compiled = this.compiled.get(cacheKey);
    if (!compiled) {
      // strict: a field missing from the data is an error, not an empty string.
      const template = this.handlebars.compile(source, { strict: true, noEscape: !escape });
      compiled = (data) => template(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
      if (this.compiled.size > 5000) this.compiled.clear();
      this.compiled.set(cacheKey, compiled);
    }
    return compiled;
  }
}
