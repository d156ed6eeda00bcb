import { Injectable } from '@nestjs/common';
import { RecipientService } from '@herald/recipients';
import type { Page } from '../history/history.types';
import { SuppressionNotFoundError } from './suppression.errors';
import { SuppressionRepository } from './suppression.repository';
import { SuppressionFilter, SuppressionView } from './suppression.types';

/** The suppression list as admins and recipients' pages read it; providers' events write it (callbacks). */
@Injectable()
export class SuppressionService {
  constructor(
    private readonly suppressions: SuppressionRepository,
    private readonly recipients: RecipientService,
  ) {}

  async list(filter: SuppressionFilter): Promise<Page<SuppressionView>> {
    const rows = await this.suppressions.page(filter);
    const items = rows.slice(0, filter.limit);
    return { items, nextCursor: rows.length > filter.limit ? items[items.length - 1].id : null };
  }

  /** Lifts it: the address is sent to again from the next delivery on. */
  async remove(id: string): Promise<void> {
    if (!(await this.suppressions.remove(id))) throw new SuppressionNotFoundError(id);
  }

  /** The suppressions of a stored recipient's current email and phone; 404 for an unknown recipient. */
  async forRecipient(recipientId: string): Promise<SuppressionView[]> {
    const recipient = await this.recipients.get(recipientId);
    const addresses = [recipient.email, recipient.phone].filter((address): address is string => !!address);
    return this.suppressions.forAddresses(addresses);
  }
}
