import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath, OmitType } from '@nestjs/swagger';
import { CHANNELS, Channel, ORCHESTRATION_QUEUES, OrchestrationQueueName, Priority, PRIORITIES } from '@herald/core';
import {
  AcceptedNotification,
  AttemptView,
  BatchAnswer,
  DELIVERY_STATUSES,
  DeliveryHistoryItem,
  DeliveryMinute,
  DeliveryStatus,
  DeliveryTimeline,
  DeliveryView,
  HistoryStats,
  NOTIFICATION_STATUSES,
  NotificationHistoryItem,
  NotificationStatus,
  NotificationView,
  QueueCounts,
} from '@herald/notifications';
import { DigestedSendDto } from './digest-responses.dto';
import { ProblemDocumentDto } from './problem-document.dto';

/** The response schemas of the notification routes; each implements the lib's type the route answers with. */

const ATTEMPT_OUTCOMES = ['ok', 'transient_error', 'permanent_error'] as const;
const DATE_TIME = { type: String, format: 'date-time' } as const;
const NULLABLE_DATE_TIME = { ...DATE_TIME, nullable: true } as const;
const NULLABLE_STRING = { type: String, nullable: true } as const;
const FREE_OBJECT = { type: 'object', additionalProperties: true } as const;

@ApiSchema({ name: 'AcceptedDelivery' })
export class AcceptedDeliveryDto {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ enum: CHANNELS, enumName: 'Channel' }) channel: Channel;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' }) status: DeliveryStatus;
  /**
   * Why it is skipped (`no_address`, `opted_out`, `throttled`), or which rule scheduled it (`quiet_hours`,
   * `step_delay`).
   */
  @ApiPropertyOptional({ type: String }) reason?: string;
}

/** The 202 answer of a send. */
@ApiSchema({ name: 'AcceptedNotification' })
export class AcceptedNotificationDto implements AcceptedNotification {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES, enumName: 'NotificationStatus' }) status: NotificationStatus;
  @ApiProperty(DATE_TIME) createdAt: string;
  @ApiProperty({ type: [AcceptedDeliveryDto] }) deliveries: AcceptedDeliveryDto[];
}

@ApiSchema({ name: 'BatchItemRefused' })
export class BatchItemRefusedDto {
  /** The problem document a single send of this item would have answered. */
  @ApiProperty({ type: ProblemDocumentDto }) error: ProblemDocumentDto;
}

/** The 202 answer of a batch: one item per notification, in order, accepted or refused. */
@ApiSchema({ name: 'BatchAnswer' })
@ApiExtraModels(AcceptedNotificationDto, DigestedSendDto, BatchItemRefusedDto)
export class BatchAnswerDto implements BatchAnswer {
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(AcceptedNotificationDto) },
        { $ref: getSchemaPath(DigestedSendDto) },
        { $ref: getSchemaPath(BatchItemRefusedDto) },
      ],
    },
  })
  items: (AcceptedNotificationDto | DigestedSendDto | BatchItemRefusedDto)[];
}

@ApiSchema({ name: 'DeliveryAttempt' })
export class AttemptViewDto implements AttemptView {
  @ApiProperty({ type: Number }) attempt: number;
  @ApiProperty(DATE_TIME) startedAt: string;
  @ApiProperty(NULLABLE_DATE_TIME) finishedAt: string | null;
  @ApiProperty({ enum: ATTEMPT_OUTCOMES, nullable: true }) outcome: AttemptView['outcome'];
  @ApiProperty(NULLABLE_STRING) error: string | null;
  @ApiProperty(NULLABLE_STRING) providerMessageId: string | null;
  /** The provider it went to (`smtp:host:port`, `twilio`, `vonage`; the last one tried when it failed over); null for channels without named providers or captured messages. */
  @ApiProperty(NULLABLE_STRING) provider: string | null;
}

/** A delivery with its rendered content and every attempt, as GET /v1/notifications/{id} answers it. */
@ApiSchema({ name: 'DeliveryView' })
export class DeliveryViewDto implements DeliveryView {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ enum: CHANNELS, enumName: 'Channel' }) channel: Channel;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' }) status: DeliveryStatus;
  /**
   * Why it is skipped or cancelled (`no_address`, `opted_out`, `suppressed`, `already_read`, ...), or which rule
   * scheduled it (`quiet_hours`, `step_delay`; kept once it is sent).
   */
  @ApiProperty(NULLABLE_STRING) reason: string | null;
  @ApiProperty(NULLABLE_STRING) error: string | null;
  /** Email without SMTP_URL: stored, not sent. */
  @ApiProperty({ type: Boolean }) captured: boolean;
  /** The rendered content of its channel; null until rendered (or once erased). */
  @ApiProperty({ ...FREE_OBJECT, nullable: true }) content: unknown;
  @ApiProperty(NULLABLE_STRING) providerMessageId: string | null;
  /** The provider of the attempt that ended it. */
  @ApiProperty(NULLABLE_STRING) provider: string | null;
  @ApiProperty({ type: Number }) attemptCount: number;
  @ApiProperty(NULLABLE_DATE_TIME) nextAttemptAt: string | null;
  @ApiProperty(DATE_TIME) createdAt: string;
  @ApiProperty(DATE_TIME) updatedAt: string;
  @ApiProperty({ type: [AttemptViewDto] }) attempts: AttemptViewDto[];
}

@ApiSchema({ name: 'TemplateRef' })
export class TemplateRefDto {
  @ApiProperty({ type: String }) key: string;
  @ApiProperty({ type: Number }) version: number;
}

/** A notification with its deliveries and their attempts. */
@ApiSchema({ name: 'NotificationView' })
export class NotificationViewDto implements NotificationView {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES, enumName: 'NotificationStatus' }) status: NotificationStatus;
  /** The template version it was rendered with; null for inline content. */
  @ApiProperty({ type: TemplateRefDto, nullable: true }) template: TemplateRefDto | null;
  @ApiProperty(NULLABLE_STRING) recipientId: string | null;
  @ApiProperty({ enum: PRIORITIES, enumName: 'Priority' }) priority: Priority;
  @ApiProperty(NULLABLE_STRING) locale: string | null;
  @ApiProperty(FREE_OBJECT) data: Record<string, unknown>;
  @ApiProperty(NULLABLE_DATE_TIME) sendAt: string | null;
  /** The broadcast (send to a topic) that created it; null for other sends. */
  @ApiProperty(NULLABLE_STRING) broadcastId: string | null;
  @ApiProperty(DATE_TIME) createdAt: string;
  @ApiProperty(DATE_TIME) updatedAt: string;
  @ApiProperty({ type: [DeliveryViewDto] }) deliveries: DeliveryViewDto[];
  /** The digest it was made of (its sends' data are `data.events`); absent for any other notification. */
  @ApiPropertyOptional({ type: String }) digestId?: string;
}

/** A delivery in a list: without its attempt log and rendered content (one GET away). */
@ApiSchema({ name: 'DeliverySummary' })
export class DeliverySummaryDto extends OmitType(DeliveryViewDto, ['attempts', 'content'] as const) {}

@ApiSchema({ name: 'NotificationHistoryItem' })
export class NotificationHistoryItemDto
  extends OmitType(NotificationViewDto, ['deliveries'] as const)
  implements NotificationHistoryItem
{
  @ApiProperty({ type: [DeliverySummaryDto] }) deliveries: DeliverySummaryDto[];
}

@ApiSchema({ name: 'DeliveryHistoryItem' })
export class DeliveryHistoryItemDto extends DeliverySummaryDto implements DeliveryHistoryItem {
  @ApiProperty({ type: String }) notificationId: string;
}

@ApiSchema({ name: 'QueueCounts' })
export class QueueCountsDto implements QueueCounts {
  @ApiProperty({ type: Number }) waiting: number;
  @ApiProperty({ type: Number }) active: number;
  @ApiProperty({ type: Number }) delayed: number;
  @ApiProperty({ type: Number }) failed: number;
}

/** An object with one required property per name, each of this schema (and `extra`: nullable, selfRequired). */
function keyed(names: readonly string[], schema: object, extra: object = {}): Record<string, unknown> {
  return {
    ...extra,
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, schema])),
    required: [...names],
    additionalProperties: false,
  };
}

/** The keys of the stats' `queues`. */
const QUEUES = [...CHANNELS, ...ORCHESTRATION_QUEUES];

@ApiSchema({ name: 'HistoryStats' })
@ApiExtraModels(QueueCountsDto)
export class HistoryStatsDto implements HistoryStats {
  /** Notifications by status. */
  @ApiProperty(keyed(NOTIFICATION_STATUSES, { type: 'integer' }, { selfRequired: true }))
  notifications: Record<NotificationStatus, number>;

  /** Deliveries by channel, then status. */
  @ApiProperty(keyed(CHANNELS, keyed(DELIVERY_STATUSES, { type: 'integer' }), { selfRequired: true }))
  deliveries: Record<Channel, Record<DeliveryStatus, number>>;

  /**
   * Each queue's job counts: a channel queue's by its channel, `broadcast` (fan-outs) and `digest-close`. Null when
   * the queue store did not answer in time (`queuesError` says why).
   */
  @ApiProperty(keyed(QUEUES, { $ref: getSchemaPath(QueueCountsDto) }, { nullable: true, selfRequired: true }))
  queues: Record<Channel | OrchestrationQueueName, QueueCounts> | null;

  @ApiPropertyOptional({ type: String }) queuesError?: string;
}

@ApiSchema({ name: 'DeliveryMinute' })
export class DeliveryMinuteDto implements DeliveryMinute {
  /** The minute's start. */
  @ApiProperty(DATE_TIME) at: string;
  /** Deliveries created in this minute, by their status now. */
  @ApiProperty(keyed(DELIVERY_STATUSES, { type: 'integer' }, { selfRequired: true }))
  counts: Record<DeliveryStatus, number>;
}

@ApiSchema({ name: 'DeliveryTimeline' })
export class DeliveryTimelineDto implements DeliveryTimeline {
  @ApiProperty(DATE_TIME) since: string;
  @ApiProperty(DATE_TIME) until: string;
  /** Every minute of the window, oldest first, zeros included. */
  @ApiProperty({ type: [DeliveryMinuteDto] }) minutes: DeliveryMinuteDto[];
}
