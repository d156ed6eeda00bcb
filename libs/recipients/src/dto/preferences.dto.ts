import { CHANNELS, type Channel, type FieldError } from '@herald/core';
import { IsObject, IsOptional } from 'class-validator';
import type { RecipientPreferences } from '../preferences/preferences.types';
import { CLOCK_TIME, type QuietHours } from '../preferences/quiet-hours';

/** The rule template categories follow (TemplateDefinitionDto.category), so every category can be named here. */
const CATEGORY = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Opt-outs a recipient may hold, one per category: far more than any sender defines. */
export const MAX_CATEGORIES = 256;

/**
 * Body of `PUT /v1/recipients/{id}/preferences`: replaces what was stored. The
 * pipe checks the two top-level objects; their keys are free-form (categories
 * are the sender's own names), so `preferencesErrors` checks them, naming the
 * exact path of each bad entry.
 */
export class PutPreferencesDto {
  /**
   * Channel → `false` to opt out of it (email, sms, push, webhook, in_app).
   * @example { "sms": false }
   */
  @IsOptional()
  @IsObject()
  channels?: Record<string, unknown>;

  /**
   * Template category → `false` to opt out of it, or `{ channel → false }` to opt out of it on some channels.
   * @example { "marketing": false, "orders": { "email": false } }
   */
  @IsOptional()
  @IsObject()
  categories?: Record<string, unknown>;

  /**
   * Local times (`HH:MM`, in the recipient's `timezone`, UTC when none) between which non-critical deliveries wait
   * until `end`; a start after the end runs over midnight.
   * @example { "start": "22:00", "end": "08:00" }
   */
  @IsOptional()
  @IsObject()
  quietHours?: Record<string, unknown>;
}

/** `categories.orders`, or `categories["odd key"]` when the key would not read as a path segment. */
function pathOf(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isChannel(key: string): key is Channel {
  return (CHANNELS as readonly string[]).includes(key);
}

function channelFlagErrors(value: Record<string, unknown>, parent: string): FieldError[] {
  return Object.entries(value).flatMap(([key, flag]): FieldError[] => {
    const path = pathOf(parent, key);
    if (!isChannel(key)) return [{ path, message: `is not a channel (${CHANNELS.join(', ')})` }];
    return typeof flag === 'boolean' ? [] : [{ path, message: 'must be a boolean' }];
  });
}

/** Every bad entry of a preferences body, by JSON path; empty when it is valid. */
export function preferencesErrors(body: PutPreferencesDto): FieldError[] {
  const errors: FieldError[] = [];
  if (body.channels !== undefined) {
    if (!isRecord(body.channels)) errors.push({ path: 'channels', message: 'must be an object' });
    else errors.push(...channelFlagErrors(body.channels, 'channels'));
  }
  if (body.categories !== undefined) {
    if (!isRecord(body.categories)) errors.push({ path: 'categories', message: 'must be an object' });
    else if (Object.keys(body.categories).length > MAX_CATEGORIES) {
      errors.push({ path: 'categories', message: `must name at most ${MAX_CATEGORIES} categories` });
    } else {
      for (const [category, rule] of Object.entries(body.categories)) {
        const path = pathOf('categories', category);
        if (!CATEGORY.test(category)) {
          errors.push({
            path,
            message: 'must be a template category: 1-64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit',
          });
        } else if (isRecord(rule)) {
          errors.push(...channelFlagErrors(rule, path));
        } else if (typeof rule !== 'boolean') {
          errors.push({ path, message: 'must be a boolean or an object of channel → boolean' });
        }
      }
    }
  }
  if (body.quietHours !== undefined) errors.push(...quietHoursErrors(body.quietHours));
  return errors;
}

function quietHoursErrors(value: unknown): FieldError[] {
  if (!isRecord(value)) return [{ path: 'quietHours', message: 'must be an object { start, end }' }];
  const errors: FieldError[] = Object.keys(value)
    .filter((key) => key !== 'start' && key !== 'end')
    .map((key) => ({ path: pathOf('quietHours', key), message: 'is not a field of quietHours (start, end)' }));
  for (const field of ['start', 'end'] as const) {
    const clock = value[field];
    if (typeof clock !== 'string' || !CLOCK_TIME.test(clock)) {
      errors.push({ path: `quietHours.${field}`, message: 'must be a local time HH:MM, 00:00 to 23:59' });
    }
  }
  if (!errors.length && value.start === value.end) {
    errors.push({ path: 'quietHours.end', message: 'must differ from start' });
  }
  return errors;
}

/** The body as stored, once `preferencesErrors` found nothing wrong. */
export function preferencesOf(body: PutPreferencesDto): RecipientPreferences {
  return {
    channels: body.channels ?? {},
    categories: (body.categories ?? {}) as RecipientPreferences['categories'],
    ...(body.quietHours ? { quietHours: body.quietHours as unknown as QuietHours } : {}),
  };
}
