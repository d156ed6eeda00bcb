import { Injectable } from '@nestjs/common';
import type { ApiCaller } from '@herald/auth';
import { assertNotificationAccess } from '../access/notification-access';
import { DigestRepository } from '../digest/digest.repository';
import { NotificationNotFoundError } from '../notifications.errors';
import { NotificationRepository } from '../notification.repository';
import type { NotificationView } from '../notification.types';
import { notificationView } from './notification.views';

@Injectable()
export class NotificationQueryService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly digests: DigestRepository,
  ) {}

  /** The notification as `caller` may read it: one it may not see answers 404 exactly as a missing one. */
  async get(id: string, caller: ApiCaller): Promise<NotificationView> {
    const notification = await this.notifications.findWithDeliveries(id);
    if (!notification) throw new NotificationNotFoundError(id);
    assertNotificationAccess(caller, notification, 'read');
    const digestId = await this.digests.digestOf(id);
    return { ...notificationView(notification), ...(digestId ? { digestId } : {}) };
  }
}
