import { InitialSchema1764400000000 } from './1764400000000-initial-schema';
import { PushSubscriptions1764500000000 } from './1764500000000-push-subscriptions';
import { InboxMessages1764500001000 } from './1764500001000-inbox-messages';

/** Listed by class, not by glob, so the same list works compiled and under Vitest. */
export const MIGRATIONS = [InitialSchema1764400000000, PushSubscriptions1764500000000, InboxMessages1764500001000];
