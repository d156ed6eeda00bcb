import { Injectable } from '@nestjs/common';
import { DeliveryRepository } from '../deliver/delivery.repository';
import { NotificationQueryService } from '../history/notification-query.service';
import { NotificationNotFoundError } from '../notifications.errors';
import type { NotificationView } from '../notification.types';

/**
 * `POST /v1/notifications/{id}/cancel`: the deliveries that have not started are
 * cancelled; those sending or done stay as they are. Cancelling again, or a
 * notification with nothing left to cancel, changes nothing and answers the same.
 */
@Injectable()
export class NotificationCancelService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly query: NotificationQueryService,
  ) {}

  async cancel(notificationId: string): Promise<NotificationView> {
    const cancelled = await this.deliveries.cancelUnstarted(notificationId);
    if (cancelled === null) throw new NotificationNotFoundError(notificationId);
    return this.query.get(notificationId);
  }
}
