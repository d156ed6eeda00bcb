import { HeraldError } from '@herald/core';

/** 401 for a provider callback whose signature does not verify: nothing it says is applied. */
export class InvalidSignatureError extends HeraldError {
  constructor(detail: string) {
    super('invalid-signature', 401, 'Unauthorized', detail);
  }
}
