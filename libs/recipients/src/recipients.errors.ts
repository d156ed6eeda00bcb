import { HeraldError } from '@herald/core';

export class RecipientNotFoundError extends HeraldError {
  constructor(id: string) {
    super('recipient-not-found', 404, 'Recipient not found', `Recipient "${id}" does not exist.`);
  }
}

export class PushSubscriptionNotFoundError extends HeraldError {
  constructor(recipientId: string, id: string) {
    super(
      'push-subscription-not-found',
      404,
      'Push subscription not found',
      `Recipient "${recipientId}" has no push subscription "${id}".`,
    );
  }
}

export class InboxMessageNotFoundError extends HeraldError {
  constructor(recipientId: string, messageId: string) {
    super(
      'inbox-message-not-found',
      404,
      'Inbox message not found',
      `Recipient "${recipientId}" has no inbox message "${messageId}".`,
    );
  }
}

/** The live event connection (Redis or PostgreSQL) cannot be opened: the stream cannot promise to deliver. */
export class InboxEventsUnavailableError extends HeraldError {
  constructor(detail: string) {
    super('inbox-events-unavailable', 503, 'Inbox events unavailable', detail);
  }
}

/**
 * An unsubscribe token this installation did not sign (malformed, tampered, another installation's), or one whose
 * recipient no longer exists. One answer for all: the token names nothing here.
 */
export class UnsubscribeLinkNotFoundError extends HeraldError {
  constructor() {
    super('unsubscribe-link-not-found', 404, 'Not found', 'This unsubscribe link is not valid here.');
  }
}
