// The template editor's draft: every field as the text the user types, turned into the body of
// PUT /v1/admin/templates/{key} (and of the live preview) by draftBody.
import { CHANNELS, Channel, ChannelContent, TemplateBody, TemplateRules } from './types';

/** The fields of each channel's content (API.md §5); `payload` is JSON, the others Handlebars text. */
export const CHANNEL_FIELDS: Record<Channel, { name: string; multiline?: boolean; json?: boolean }[]> = {
  email: [{ name: 'subject' }, { name: 'html', multiline: true }, { name: 'text', multiline: true }],
  sms: [{ name: 'text', multiline: true }],
  push: [{ name: 'title' }, { name: 'body', multiline: true }, { name: 'url' }, { name: 'icon' }],
  in_app: [{ name: 'title' }, { name: 'body', multiline: true }, { name: 'url' }],
  webhook: [{ name: 'payload', multiline: true, json: true }],
};

export type FieldTexts = Partial<Record<Channel, Record<string, string>>>;

export interface Draft {
  name: string;
  category: string;
  critical: boolean;
  channels: Channel[];
  /** The default content, then each locale's overrides ('' = not overridden). */
  texts: FieldTexts;
  locales: Record<string, FieldTexts>;
  schema: string;
  /** The orchestration rules (`throttle`, `digest`, `steps`) as one JSON object; '' for none. */
  rules: string;
}

const RULES = ['throttle', 'digest', 'steps'] as const;

export const emptyDraft = (): Draft => ({
  name: '',
  category: '',
  critical: false,
  channels: ['email'],
  texts: {},
  locales: {},
  schema: '',
  rules: '',
});

function rulesText(template: TemplateBody): string {
  const rules = Object.fromEntries(RULES.filter((rule) => template[rule] !== undefined).map((r) => [r, template[r]]));
  return Object.keys(rules).length ? JSON.stringify(rules, null, 2) : '';
}

/** The rules the draft's JSON holds; throws when it is not a JSON object. */
export function draftRules(draft: Draft): TemplateRules {
  if (!draft.rules.trim()) return {};
  const rules = parseJson(draft.rules, 'rules');
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw new Error('rules must be an object');
  // Only the rules: another field typed here would silently override the form's.
  const other = Object.keys(rules).filter((name) => !(RULES as readonly string[]).includes(name));
  if (other.length) throw new Error(`rules may hold only ${RULES.join(', ')}, not ${other.join(', ')}`);
  return rules;
}

function toTexts(content: ChannelContent | undefined): FieldTexts {
  const texts: FieldTexts = {};
  for (const channel of CHANNELS) {
    const fields = content?.[channel];
    if (!fields) continue;
    texts[channel] = Object.fromEntries(
      CHANNEL_FIELDS[channel]
        .filter((field) => fields[field.name] !== undefined)
        .map((field) => {
          const value = fields[field.name];
          return [field.name, field.json ? JSON.stringify(value, null, 2) : String(value)];
        }),
    );
  }
  return texts;
}

export function draftOf(template: TemplateBody): Draft {
  return {
    name: template.name,
    category: template.category ?? '',
    critical: template.critical ?? false,
    channels: CHANNELS.filter((channel) => template.channels[channel]),
    texts: toTexts(template.channels),
    locales: Object.fromEntries(Object.entries(template.locales ?? {}).map(([locale, c]) => [locale, toTexts(c)])),
    schema: template.schema ? JSON.stringify(template.schema, null, 2) : '',
    rules: rulesText(template),
  };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON`);
  }
}

function toContent(texts: FieldTexts, channels: Channel[], where: string): ChannelContent {
  const content: ChannelContent = {};
  for (const channel of channels) {
    const fields: Record<string, unknown> = {};
    for (const field of CHANNEL_FIELDS[channel]) {
      const text = texts[channel]?.[field.name] ?? '';
      if (text === '') continue;
      fields[field.name] = field.json ? parseJson(text, `${where}${channel}.${field.name}`) : text;
    }
    if (Object.keys(fields).length) content[channel] = fields;
  }
  return content;
}

/** The body the API takes; throws with the field when a JSON field does not parse. */
export function draftBody(draft: Draft): TemplateBody {
  const channels = toContent(draft.texts, draft.channels, '');
  for (const channel of draft.channels) channels[channel] ??= {};
  const locales = Object.fromEntries(
    Object.entries(draft.locales).map(([locale, texts]) => [
      locale,
      toContent(texts, draft.channels, `locale ${locale}: `),
    ]),
  );
  return {
    name: draft.name,
    ...(draft.category ? { category: draft.category } : {}),
    critical: draft.critical,
    channels,
    locales,
    ...(draft.schema.trim() ? { schema: parseJson(draft.schema, 'schema') as Record<string, unknown> } : {}),
    ...draftRules(draft),
  };
}

/** A version's definition as text, for the diff between versions. */
export function definitionText(template: TemplateBody): string {
  const { name, category, critical, channels, locales, schema, throttle, digest, steps } = template;
  return JSON.stringify({ name, category, critical, channels, locales, schema, throttle, digest, steps }, null, 2);
}
