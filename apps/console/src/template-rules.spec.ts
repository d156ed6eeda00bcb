import { describe, expect, it } from 'vitest';
import { describeRules } from './template-rules';

describe('describeRules', () => {
  it('says nothing of a template without rules', () => {
    expect(describeRules({ critical: false })).toEqual([]);
  });

  it('tells each rule in words, in a fixed order', () => {
    const lines = describeRules({
      critical: true,
      throttle: { limit: 3, window: 3600, key: '{{orderId}}' },
      digest: { window: 600, key: '{{project}}', maxEvents: 20 },
      steps: [{ channel: 'in_app' }, { channel: 'email', delay: 300, unless: 'read' }],
    });
    expect(lines.map((line) => line.rule)).toEqual(['critical', 'throttle', 'digest', 'steps']);
    expect(lines.map((line) => line.text)).toEqual([
      "Critical: sent despite opt-outs, never throttled, and not held by the recipient's quiet hours",
      'Throttle: at most 3 per 1 hour for each recipient and key {{orderId}}; beyond it deliveries are skipped (throttled)',
      'Digest: sends to one recipient with the same key {{project}} become one notification, 10 minutes after the first, or as soon as it holds 20 events',
      'Steps: 1. in_app at once; 2. email 5 minutes after the send, unless the in-app message was read by then; channels not named go at once',
    ]);
  });
});
