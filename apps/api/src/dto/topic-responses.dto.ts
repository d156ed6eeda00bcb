import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  AcceptedBroadcast,
  BROADCAST_STATUSES,
  BroadcastStatus,
  BroadcastView,
  TopicSubscriber,
  TopicView,
} from '@herald/notifications';

/** The response schemas of topics and broadcasts (API.md §9). */

@ApiSchema({ name: 'Topic' })
export class TopicViewDto implements TopicView {
  @ApiProperty({ type: String }) key: string;
  @ApiProperty({ type: String }) name: string;
  @ApiProperty({ type: Number }) subscriberCount: number;
}

@ApiSchema({ name: 'TopicSubscriber' })
export class TopicSubscriberDto implements TopicSubscriber {
  @ApiProperty({ type: String }) recipientId: string;
}

@ApiSchema({ name: 'SubscribersAdded' })
export class SubscribersAddedDto {
  /** Recipients newly subscribed (those already subscribed are not counted). */
  @ApiProperty({ type: Number }) added: number;
}

/** The 202 answer of a send to a topic. */
@ApiSchema({ name: 'AcceptedBroadcast' })
export class AcceptedBroadcastDto implements AcceptedBroadcast {
  @ApiProperty({ type: String }) broadcastId: string;
  @ApiProperty({ enum: ['accepted'] }) status: 'accepted';
}

@ApiSchema({ name: 'Broadcast' })
export class BroadcastViewDto implements BroadcastView {
  @ApiProperty({ type: String }) id: string;
  /** The topic's key. */
  @ApiProperty({ type: String }) topic: string;
  @ApiProperty({ enum: BROADCAST_STATUSES, enumName: 'BroadcastStatus' }) status: BroadcastStatus;
  /** Subscribers to reach: the topic's when accepted; once completed, those reached (created + skipped). */
  @ApiProperty({ type: Number }) total: number;
  /** Notifications created so far, one per subscriber. */
  @ApiProperty({ type: Number }) created: number;
  /** Subscribers no notification could be made for (erased meanwhile, data their rendering refused). */
  @ApiProperty({ type: Number }) skipped: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}
