/** The ways Herald reaches a recipient; each has a driver, a queue and a delivery row per notification. */
export const CHANNELS = ['email', 'sms', 'push', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];
