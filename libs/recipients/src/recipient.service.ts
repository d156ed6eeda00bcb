import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PutRecipientDto } from './dto/recipient.dto';
import { RecipientEntity } from './entities/recipient.entity';
import { RecipientRepository } from './recipient.repository';
import { RecipientNotFoundError } from './recipients.errors';
import type { RecipientView } from './recipient.types';

export function recipientView(recipient: RecipientEntity): RecipientView {
  return {
    id: recipient.id,
    email: recipient.email,
    phone: recipient.phone,
    locale: recipient.locale,
    timezone: recipient.timezone,
    webhookUrl: recipient.webhookUrl,
    data: recipient.data,
    createdAt: recipient.createdAt.toISOString(),
    updatedAt: recipient.updatedAt.toISOString(),
  };
}

@Injectable()
export class RecipientService {
  constructor(private readonly repository: RecipientRepository) {}

  async put(id: string, dto: PutRecipientDto): Promise<{ recipient: RecipientView; created: boolean }> {
    const { recipient, created } = await this.repository.upsert(id, {
      email: dto.email ?? null,
      phone: dto.phone ?? null,
      locale: dto.locale ?? null,
      timezone: dto.timezone ?? null,
      webhookUrl: dto.webhookUrl ?? null,
      data: dto.data ?? {},
    });
    return { recipient: recipientView(recipient), created };
  }

  async get(id: string): Promise<RecipientView> {
    const recipient = await this.repository.findById(id);
    if (!recipient) throw new RecipientNotFoundError(id);
    return recipientView(recipient);
  }

  /** See RecipientRepository.lockForErasure; the erasure flow lives with the history it scrubs. */
  lockForErasure(manager: EntityManager, id: string): Promise<string[] | null> {
    return this.repository.lockForErasure(manager, id);
  }

  deleteWithDependents(manager: EntityManager, id: string): Promise<void> {
    return this.repository.deleteWithDependents(manager, id);
  }

  /** The stored recipient, or null when the id is unknown (inline addresses may still serve). */
  find(id: string): Promise<RecipientEntity | null> {
    return this.repository.findById(id);
  }

  /** The stored recipients among `ids`, in one query (a batch); unknown ids are simply absent. */
  findMany(ids: string[]): Promise<RecipientEntity[]> {
    return this.repository.findByIds(ids);
  }
}
