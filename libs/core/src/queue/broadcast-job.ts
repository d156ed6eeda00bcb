/** Fan-out jobs of broadcasts (sends to a topic): one queue, whatever the channels. */
export const BROADCAST_QUEUE = 'broadcast';

/** Fan a broadcast out to its topic's subscribers. The broadcast row holds everything else, its progress too. */
export const FAN_OUT_JOB = 'fan-out';

export interface FanOutJobData {
  broadcastId: string;
}
