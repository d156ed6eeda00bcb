import { HeraldError } from '@herald/core';

export class BroadcastNotFoundError extends HeraldError {
  constructor(id: string) {
    super('broadcast-not-found', 404, 'Broadcast not found', `Broadcast "${id}" does not exist.`);
  }
}
