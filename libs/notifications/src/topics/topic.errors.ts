import { HeraldError } from '@herald/core';

export class TopicNotFoundError extends HeraldError {
  constructor(key: string) {
    super('topic-not-found', 404, 'Topic not found', `Topic "${key}" does not exist.`);
  }
}

/** `PUT /v1/topics/{key}/subscribers` naming recipients that are not stored: nothing is added. */
export class UnknownSubscribersError extends HeraldError {
  constructor(unknown: { index: number; id: string }[]) {
    super(
      'unknown-recipients',
      422,
      'Unknown recipients',
      `${unknown.length} of the recipient ids are not stored recipients; nothing was added.`,
      unknown.map(({ index, id }) => ({ path: `recipientIds[${index}]`, message: `recipient "${id}" does not exist` })),
    );
  }
}
