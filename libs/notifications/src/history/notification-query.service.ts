import { Injectable } from '@nestjs/common';
import { NotificationNotFoundError } from '../notifications.errors';
import { NotificationRepository } from '../notification.repository';
import type { NotificationView } from '../notification.types';
import { notificationView } from './notification.views';

@Injectable()
export class NotificationQueryService {
  constructor(private readonly notifications: NotificationRepository) {}

  async get(id: string): Promise<NotificationView> {
    const notification = await this.notifications.findWithDeliveries(id);
    if (!notification) throw new NotificationNotFoundError(id);
    return notificationView(notification);
  }
}
