import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { FieldError } from '@herald/core';
import Handlebars from 'handlebars';

/** The most sends a throttle admits per window: the admitted times of a window are kept in one row. */
export const THROTTLE_MAX_LIMIT = 1000;
/** 30 days. */
export const THROTTLE_MAX_WINDOW_SECONDS = 2_592_000;

/** `throttle` of a template (API.md §9): at most `limit` sends per recipient and rendered key per `window` seconds. */
export class ThrottleRuleDto {
  @IsInt() @Min(1) @Max(THROTTLE_MAX_LIMIT) limit!: number;
  @IsInt() @Min(1) @Max(THROTTLE_MAX_WINDOW_SECONDS) window!: number;
  /** Handlebars over the send's `data`; sends whose keys render alike share one count. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(500) key?: string;
}

export interface ThrottleRule {
  limit: number;
  window: number;
  key?: string;
}

// Keys are never HTML, and a field the data lacks renders empty (one shared count) rather than refusing the send.
const handlebars = Handlebars.create();
const compiled = new Map<string, ReturnType<typeof handlebars.compile>>();

/** A key that does not compile, as the field error of a template PUT. */
export function checkThrottleKey(rule: ThrottleRule | undefined): FieldError[] {
  if (rule?.key === undefined) return [];
  try {
    handlebars.precompile(rule.key, { noEscape: true });
    return [];
  } catch (error) {
    return [{ path: 'throttle.key', message: (error as Error).message.split('\n').slice(0, 2).join(' ') }];
  }
}

/** The rendered key of a send: empty when the rule has none, or when the data does not render with it. */
export function throttleKey(rule: ThrottleRule, data: Record<string, unknown>): string {
  if (rule.key === undefined) return '';
  let template = compiled.get(rule.key);
  if (!template) compiled.set(rule.key, (template = handlebars.compile(rule.key, { noEscape: true })));
  try {
    return template(data);
  } catch {
    return '';
  }
}
