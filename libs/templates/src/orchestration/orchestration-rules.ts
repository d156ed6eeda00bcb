import type { FieldError } from '@herald/core';
import type { ChannelContentMap } from '../template.types';
import type { TemplateStep } from './orchestration.types';

/**
 * What the DTOs cannot check of a template's `steps`: each names a channel the template has, once, and `unless:
 * "read"` needs an in-app step for the message to be read and belongs to a later step on another channel.
 */
export function stepsErrors(steps: TemplateStep[] | undefined, channels: ChannelContentMap): FieldError[] {
  if (!steps) return [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const inApp = steps.find((step) => step.channel === 'in_app');
  steps.forEach((step, index) => {
    const path = `steps[${index}]`;
    if (!channels[step.channel])
      errors.push({ path: `${path}.channel`, message: `the template has no ${step.channel}` });
    if (seen.has(step.channel)) errors.push({ path: `${path}.channel`, message: `${step.channel} is named twice` });
    seen.add(step.channel);
    if (step.unless !== 'read') return;
    if (step.channel === 'in_app')
      errors.push({ path: `${path}.unless`, message: 'an in-app step cannot wait on itself' });
    else if (!inApp) errors.push({ path: `${path}.unless`, message: 'needs an in_app step, whose message is read' });
    else if ((step.delay ?? 0) <= (inApp.delay ?? 0)) {
      errors.push({ path: `${path}.delay`, message: 'must be later than the in_app step it waits on' });
    }
  });
  return errors;
}
