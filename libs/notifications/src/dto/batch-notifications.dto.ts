import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray } from 'class-validator';
import { CheckedPerItem } from '@herald/core';
import { SendNotificationDto } from './send-notification.dto';

export const BATCH_MAX_ITEMS = 1000;

/**
 * Body of `POST /v1/notifications/batch` and of each `notifications.batch`
 * message. Only the envelope is validated here: each item is validated on its
 * own by NotificationBatchService, so one bad item does not refuse the others.
 */
export class BatchNotificationsDto {
  @ApiProperty({
    type: () => [SendNotificationDto],
    maxItems: BATCH_MAX_ITEMS,
    description: `Up to ${BATCH_MAX_ITEMS} bodies of POST /v1/notifications, each with an optional idempotencyKey.`,
  })
  @IsArray()
  @ArrayMaxSize(BATCH_MAX_ITEMS)
  @CheckedPerItem()
  notifications!: unknown[];
}
