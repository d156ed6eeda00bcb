import { HeraldError } from '@herald/core';

export class DigestNotFoundError extends HeraldError {
  constructor(id: string) {
    super('digest-not-found', 404, 'Digest not found', `Digest "${id}" does not exist.`);
  }
}
