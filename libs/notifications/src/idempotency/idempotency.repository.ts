import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface IdempotencyRecord {
  requestHash: string;
  responseStatus: number | null;
  responseBody: unknown;
}

interface IdempotencyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims the key for this request. Returns null when claimed, or the live
   * record that holds it. An expired record, or an in-flight one abandoned by a
   * crashed process, is taken over.
   */
  async claim(
    apiKeyId: string,
    key: string,
    requestHash: string,
    abandonAfterMs: number,
  ): Promise<IdempotencyRecord | null> {
    const claimed = await this.dataSource.query<unknown[]>(
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash, expires_at)
       VALUES ($1, $2, $3, now() + interval '24 hours')
       ON CONFLICT (api_key_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,
             created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at < now()
            OR (idempotency_keys.response_status IS NULL
                AND idempotency_keys.created_at < now() - $4 * interval '1 millisecond')
       RETURNING 1`,
      [apiKeyId, key, requestHash, abandonAfterMs],
    );
    if (claimed.length) return null;
    const [row] = await this.dataSource.query<[IdempotencyRow?]>(
      `SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE api_key_id = $1 AND key = $2`,
      [apiKeyId, key],
    );
    // Deleted between the two statements (its request failed): the caller may simply try again.
    if (!row) return this.claim(apiKeyId, key, requestHash, abandonAfterMs);
    return { requestHash: row.request_hash, responseStatus: row.response_status, responseBody: row.response_body };
  }

  /** Stores the answer in the transaction that stored the notification, so both land or neither. */
  async complete(manager: EntityManager, apiKeyId: string, key: string, status: number, body: unknown): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE api_key_id = $1 AND key = $2`,
      [apiKeyId, key, status, JSON.stringify(body)],
    );
  }

  /** A refused request stores nothing: the key is free for a corrected retry. */
  async release(apiKeyId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND response_status IS NULL`,
      [apiKeyId, key],
    );
  }
}
