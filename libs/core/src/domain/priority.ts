/** A notification's priority; its deliveries run ahead of lower ones in the channel queues. */
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
