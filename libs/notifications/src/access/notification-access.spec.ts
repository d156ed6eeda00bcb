import type { ApiCaller, Scope } from '@herald/auth';
import { describe, expect, it } from 'vitest';
import { notificationAccess } from './notification-access';

const key = (...scopes: Scope[]): ApiCaller => ({ apiKeyId: 'k1', scopes });

describe('notificationAccess', () => {
  it('lets send read and cancel only what its own key created, and hides the rest', () => {
    expect(notificationAccess(key('send'), 'k1', 'read')).toBe('allowed');
    expect(notificationAccess(key('send'), 'k1', 'cancel')).toBe('allowed');
    expect(notificationAccess(key('send'), 'k2', 'read')).toBe('hidden');
    expect(notificationAccess(key('send'), 'k2', 'cancel')).toBe('hidden');
    expect(notificationAccess(key('send'), 'transport', 'read')).toBe('hidden');
  });

  it('lets read read everything and cancel nothing; with send, cancel its own', () => {
    expect(notificationAccess(key('read'), 'k2', 'read')).toBe('allowed');
    expect(notificationAccess(key('read'), 'transport', 'read')).toBe('allowed');
    expect(notificationAccess(key('read'), 'k1', 'cancel')).toBe('forbidden');
    expect(notificationAccess(key('send', 'read'), 'k2', 'cancel')).toBe('forbidden');
    expect(notificationAccess(key('send', 'read'), 'k1', 'cancel')).toBe('allowed');
  });

  it('lets admin do everything, and recipients nothing', () => {
    expect(notificationAccess(key('admin'), 'transport', 'cancel')).toBe('allowed');
    expect(notificationAccess(key('admin'), 'k2', 'read')).toBe('allowed');
    expect(notificationAccess(key('recipients'), 'k1', 'read')).toBe('hidden');
  });
});
