/** An inbox message as API callers and SSE clients see it. */
export interface InboxMessageView {
  id: string;
  recipientId: string;
  notificationId: string | null;
  title: string | null;
  body: string;
  url: string | null;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

export interface InboxPage {
  items: InboxMessageView[];
  nextCursor: string | null;
  /** Unread messages in the whole inbox, whatever the page or filter. */
  unreadCount: number;
}

/** What the in-app driver stores: the rendered in_app content of one delivery. */
export interface NewInboxMessage {
  deliveryId: string;
  notificationId: string;
  recipientId: string;
  title?: string | null;
  body: string;
  url?: string | null;
}

/** What travels between instances when a message lands: ids only, the message is read from PostgreSQL. */
export interface InboxEvent {
  messageId: string;
  recipientId: string;
}
