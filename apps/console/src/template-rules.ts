// A template's orchestration rules (API.md §9) in plain words, one line per rule, for the template editor.
import { duration } from './reasons';
import type { TemplateRules, TemplateStep } from './types';

function step({ channel, delay, unless }: TemplateStep, index: number): string {
  const when = delay ? `${duration(delay)} after the send` : 'at once';
  return `${index + 1}. ${channel} ${when}${unless === 'read' ? ', unless the in-app message was read by then' : ''}`;
}

/** Each rule the template carries, as a sentence; empty when it carries none. */
export function describeRules(rules: TemplateRules & { critical?: boolean }): { rule: string; text: string }[] {
  const lines: { rule: string; text: string }[] = [];
  const { throttle, digest, steps, critical } = rules;
  if (critical) {
    lines.push({
      rule: 'critical',
      text: "Critical: sent despite opt-outs, never throttled, and not held by the recipient's quiet hours",
    });
  }
  if (throttle) {
    const key = throttle.key ? ` and key ${throttle.key}` : '';
    lines.push({
      rule: 'throttle',
      text: `Throttle: at most ${throttle.limit} per ${duration(throttle.window)} for each recipient${key}; beyond it deliveries are skipped (throttled)`,
    });
  }
  if (digest) {
    const full = digest.maxEvents ? `, or as soon as it holds ${digest.maxEvents} events` : '';
    lines.push({
      rule: 'digest',
      text: `Digest: sends to one recipient with the same key ${digest.key} become one notification, ${duration(digest.window)} after the first${full}`,
    });
  }
  if (steps?.length) {
    lines.push({
      rule: 'steps',
      text: `Steps: ${steps.map(step).join('; ')}; channels not named go at once`,
    });
  }
  return lines;
}
