import { Injectable } from '@nestjs/common';
import type { ApiCaller } from '@herald/auth';
import { assertNotificationAccess } from '../access/notification-access';
import { DeliveryRepository } from '../deliver/delivery.repository';
import { NotificationQueryService } from '../history/notification-query.service';
import { NotificationNotFoundError } from '../notifications.errors';
import { NotificationRepository } from '../notification.repository';
import type { NotificationView } from '../notification.types';

/**
 * `POST /v1/notifications/{id}/cancel`: the deliveries that have not started are
 * cancelled; those sending or done stay as they are. Cancelling again, or a
 * notification with nothing left to cancel, changes nothing and answers the same.
 * Only what `caller` may cancel (API.md §2), checked before anything changes.
 */
@Injectable()
export class NotificationCancelService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly query: NotificationQueryService,
  ) {}

  async cancel(notificationId: string, caller: ApiCaller): Promise<NotificationView> {
    const creator = await this.notifications.findCreator(notificationId);
    if (!creator) throw new NotificationNotFoundError(notificationId);
    assertNotificationAccess(caller, creator, 'cancel');
    const cancelled = await this.deliveries.cancelUnstarted(notificationId);
    if (cancelled === null) throw new NotificationNotFoundError(notificationId);
    return this.query.get(notificationId, caller);
  }
}
