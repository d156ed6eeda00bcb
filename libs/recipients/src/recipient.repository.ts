import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RecipientEntity } from './entities/recipient.entity';

export type RecipientFields = Pick<RecipientEntity, 'email' | 'phone' | 'locale' | 'timezone' | 'webhookUrl' | 'data'>;

@Injectable()
export class RecipientRepository {
  constructor(@InjectRepository(RecipientEntity) private readonly recipients: Repository<RecipientEntity>) {}

  findById(id: string): Promise<RecipientEntity | null> {
    return this.recipients.findOneBy({ id });
  }

  /** Insert or replace the personal fields in one statement; preferences are kept. */
  async upsert(id: string, fields: RecipientFields): Promise<{ recipient: RecipientEntity; created: boolean }> {
    const [row] = await this.recipients.query(
      `INSERT INTO recipients (id, email, phone, locale, timezone, webhook_url, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET email = $2, phone = $3, locale = $4, timezone = $5,
         webhook_url = $6, data = $7, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [id, fields.email, fields.phone, fields.locale, fields.timezone, fields.webhookUrl, fields.data],
    );
    return { recipient: (await this.findById(id))!, created: row.created };
  }
}
