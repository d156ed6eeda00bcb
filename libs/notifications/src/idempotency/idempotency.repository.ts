import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

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
    const { claimed, held } = await this.claimMany(apiKeyId, [{ key, requestHash }], abandonAfterMs);
    if (claimed.has(key)) return null;
    // Deleted between the two statements (its request failed): the caller may simply try again.
    return held.get(key) ?? this.claim(apiKeyId, key, requestHash, abandonAfterMs);
  }

  /**
   * The claim of many keys of one API key in two statements (keys distinct):
   * answers the keys this request now holds, and the live record of each key
   * held by another request. A key in neither was deleted between the two
   * statements: its request failed, and the caller may simply claim it again.
   */
  async claimMany(
    apiKeyId: string,
    requests: { key: string; requestHash: string }[],
    abandonAfterMs: number,
  ): Promise<{ claimed: Set<string>; held: Map<string, IdempotencyRecord> }> {
    const rows = await this.dataSource.query<{ key: string }[]>(
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash, expires_at)
       SELECT $1, r.key, r.request_hash, now() + interval '24 hours'
       FROM unnest($2::text[], $3::text[]) AS r(key, request_hash)
       ON CONFLICT (api_key_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,
             created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at < now()
            OR (idempotency_keys.response_status IS NULL
                AND idempotency_keys.created_at < now() - $4 * interval '1 millisecond')
       RETURNING key`,
      [apiKeyId, requests.map((r) => r.key), requests.map((r) => r.requestHash), abandonAfterMs],
    );
    const claimed = new Set(rows.map((row) => row.key));
    const others = requests.map((r) => r.key).filter((key) => !claimed.has(key));
    const held = new Map<string, IdempotencyRecord>();
    if (others.length) {
      const records = await this.dataSource.query<(IdempotencyRow & { key: string })[]>(
        `SELECT key, request_hash, response_status, response_body FROM idempotency_keys
         WHERE api_key_id = $1 AND key = ANY($2::text[])`,
        [apiKeyId, others],
      );
      for (const row of records) {
        held.set(row.key, {
          requestHash: row.request_hash,
          responseStatus: row.response_status,
          responseBody: row.response_body,
        });
      }
    }
    return { claimed, held };
  }

  /** A refused request stores nothing: the key is free for a corrected retry. */
  async release(apiKeyId: string, keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = ANY($2::text[]) AND response_status IS NULL`,
      [apiKeyId, keys],
    );
  }
}
