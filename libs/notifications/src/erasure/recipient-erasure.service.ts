import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RecipientNotFoundError, RecipientService } from '@herald/recipients';
import { DataSource } from 'typeorm';
import { DigestRepository } from '../digest/digest.repository';
import { RecipientHistoryRepository } from './recipient-history.repository';

/**
 * `DELETE /v1/recipients/{id}` (API.md §4: erases the personal fields; history
 * keeps only ids), in one transaction: its open digests are closed and the
 * sends every digest of it holds emptied, deliveries not started are cancelled
 * (reason `recipient_deleted`), the history is scrubbed of every address the
 * recipient had, then the recipient goes with its inbox, push subscriptions and
 * preferences. A send to the id afterwards behaves as for any unknown recipient.
 */
@Injectable()
export class RecipientErasureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recipients: RecipientService,
    private readonly history: RecipientHistoryRepository,
    private readonly digests: DigestRepository,
  ) {}

  async erase(id: string): Promise<void> {
    const erased = await this.dataSource.transaction(async (manager) => {
      const stored = await this.recipients.lockForErasure(manager, id);
      if (!stored) return false;
      // The digests first: a close running now holds its digest's row until it has stored the notification, so
      // waiting for it here lets the cancel and the scrub below (each statement a new snapshot) see that too.
      await this.digests.eraseRecipient(manager, id);
      const addresses = [...stored, ...(await this.history.knownAddresses(manager, id))];
      await this.history.cancelUnstarted(manager, id);
      await this.history.scrub(manager, id, addresses);
      await this.recipients.deleteWithDependents(manager, id);
      return true;
    });
    if (!erased) throw new RecipientNotFoundError(id);
  }
}
