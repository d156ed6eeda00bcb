import type { PushSubscriptionData } from '@herald/core';

/** A stored subscription as the API answers it. */
export type PushSubscriptionView = PushSubscriptionData & { id: string; recipientId: string; createdAt: string };
