import { describe, expect, it } from 'vitest';
import type { PlannedDelivery } from '../notification.types';
import { timedStatus, timeDeliveries } from './delivery-timing';

const now = new Date('2026-01-15T12:00:00Z');
const deliveries: PlannedDelivery[] = [
  { id: '1', channel: 'in_app', status: 'queued' },
  { id: '2', channel: 'email', status: 'queued' },
  { id: '3', channel: 'sms', status: 'skipped', reason: 'no_address' },
];
const steps = [{ channel: 'in_app' as const }, { channel: 'email' as const, delay: 1800, unless: 'read' as const }];

describe('timing deliveries', () => {
  it('sends what has no step or no delay now, and schedules a later step with its condition', () => {
    const timed = timeDeliveries(deliveries, { now, steps, zone: 'UTC' });
    expect(timed).toEqual([
      { id: '1', channel: 'in_app', status: 'queued' },
      {
        id: '2',
        channel: 'email',
        status: 'scheduled',
        reason: 'step_delay',
        dueAt: new Date('2026-01-15T12:30:00Z'),
        unless: 'read',
      },
      deliveries[2],
    ]);
    expect(timedStatus(timed)).toEqual({ status: 'accepted' });
  });

  it('moves what is due inside quiet hours to their end, steps counted from sendAt', () => {
    const sendAt = new Date('2026-01-15T21:45:00Z');
    const timed = timeDeliveries(deliveries, {
      now,
      sendAt,
      steps,
      quietHours: { start: '22:00', end: '08:00' },
      zone: 'Europe/Berlin',
    });
    // 21:45Z is 22:45 in Berlin (CET): inside the window, so both wait until 08:00 CET.
    expect(timed[0]).toMatchObject({
      status: 'scheduled',
      reason: 'quiet_hours',
      dueAt: new Date('2026-01-16T07:00:00Z'),
    });
    expect(timed[1]).toMatchObject({
      status: 'scheduled',
      reason: 'quiet_hours',
      dueAt: new Date('2026-01-16T07:00:00Z'),
    });
    expect(timedStatus(timed)).toEqual({ status: 'scheduled', sendAt: new Date('2026-01-16T07:00:00Z') });
  });

  it('is scheduled for sendAt alone, and completed when everything is skipped', () => {
    const sendAt = new Date('2026-01-15T13:00:00Z');
    const timed = timeDeliveries(deliveries.slice(1, 2), { now, sendAt, zone: 'UTC' });
    expect(timed).toEqual([{ id: '2', channel: 'email', status: 'scheduled', dueAt: sendAt }]);
    expect(timedStatus(timed)).toEqual({ status: 'scheduled', sendAt });
    expect(timedStatus([deliveries[2]])).toEqual({ status: 'completed' });
  });
});
