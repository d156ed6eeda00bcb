import { HeraldError } from '@herald/core';

export class SuppressionNotFoundError extends HeraldError {
  constructor(id: string) {
    super('suppression-not-found', 404, 'Suppression not found', `Suppression "${id}" does not exist.`);
  }
}
