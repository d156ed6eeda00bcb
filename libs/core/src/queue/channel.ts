export const CHANNELS = ['email', 'sms', 'push', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
