import { InitialSchema1764400000000 } from './1764400000000-initial-schema';
import { PushSubscriptions1764500000000 } from './1764500000000-push-subscriptions';
import { InboxMessages1764500001000 } from './1764500001000-inbox-messages';
import { HistoryIndexes1764600000000 } from './1764600000000-history-indexes';
import { RateLimits1764700000000 } from './1764700000000-rate-limits';
import { DeliveryStatusWithoutPending1764800000000 } from './1764800000000-delivery-status-without-pending';
import { DeliveryLeases1764910000000 } from './1764910000000-delivery-leases';
import { DeliveryLeasesBackfill1764910001000 } from './1764910001000-delivery-leases-backfill';
import { Suppressions1765000000000 } from './1765000000000-suppressions';
import { InstallationSecrets1765010000000 } from './1765010000000-installation-secrets';
import { AttemptProvider1765020000000 } from './1765020000000-attempt-provider';
import { HistoryLegacyBound1765100000000 } from './1765100000000-history-legacy-bound';
import { HistoryLegacyValidate1765100001000 } from './1765100001000-history-legacy-validate';
import { PartitionHistory1765100002000 } from './1765100002000-partition-history';
import { HistoryCounts1765200000000 } from './1765200000000-history-counts';
import { DeliveryStatusChannelIndex1765200001000 } from './1765200001000-delivery-status-channel-index';
import { Topics1765300000000 } from './1765300000000-topics';
import { Digests1765400000000 } from './1765400000000-digests';
import { DeliveryUnless1765400001000 } from './1765400001000-delivery-unless';
import { BroadcastTemplateVersion1765500000000 } from './1765500000000-broadcast-template-version';

/** Listed by class, not by glob, so the same list works compiled and under Vitest. */
export const MIGRATIONS = [
  InitialSchema1764400000000,
  PushSubscriptions1764500000000,
  InboxMessages1764500001000,
  HistoryIndexes1764600000000,
  RateLimits1764700000000,
  DeliveryStatusWithoutPending1764800000000,
  DeliveryLeases1764910000000,
  DeliveryLeasesBackfill1764910001000,
  Suppressions1765000000000,
  InstallationSecrets1765010000000,
  AttemptProvider1765020000000,
  HistoryLegacyBound1765100000000,
  HistoryLegacyValidate1765100001000,
  PartitionHistory1765100002000,
  HistoryCounts1765200000000,
  DeliveryStatusChannelIndex1765200001000,
  Topics1765300000000,
  Digests1765400000000,
  DeliveryUnless1765400001000,
  BroadcastTemplateVersion1765500000000,
];
