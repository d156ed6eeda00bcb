import { HeraldError } from '@herald/core';

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
