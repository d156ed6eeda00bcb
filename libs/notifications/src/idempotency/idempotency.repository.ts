import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDatabaseUnreachable } from '@herald/core';
import { DataSource } from 'typeorm';

/** How often a release that could not reach PostgreSQL is tried again. */
const RELEASE_RETRY_MS = 500;
/** A release stops trying this long before its claim may be taken over, so it never deletes a newer claim. */
const RELEASE_MARGIN_MS = 5_000;

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
  private readonly logger = new Logger(IdempotencyRepository.name);

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

  /**
   * A refused request stores nothing: the key is free for a corrected retry. Never throws. A request refused
   * because PostgreSQL was unreachable could not release its keys either: the release is tried again in the
   * background until PostgreSQL answers, so the client's retry finds its keys free once PostgreSQL is back
   * rather than answered 409 until the claim counts as abandoned. It gives up shortly before `abandonAt` (the
   * claim's start plus the abandon delay), when another request may have taken the key over.
   */
  async release(apiKeyId: string, keys: string[], abandonAt: number): Promise<void> {
    if (!keys.length) return;
    const attempt = () =>
      this.dataSource.query(
        `DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = ANY($2::text[]) AND response_status IS NULL`,
        [apiKeyId, keys],
      );
    try {
      await attempt();
    } catch (error) {
      if (!isDatabaseUnreachable(error)) {
        this.logger.warn(`releasing idempotency keys failed: ${(error as Error).message}`);
        return;
      }
      this.logger.warn('PostgreSQL is unreachable; releasing idempotency keys again until it answers');
      void this.releaseLater(attempt, abandonAt - RELEASE_MARGIN_MS);
    }
  }

  private async releaseLater(attempt: () => Promise<unknown>, giveUpAt: number): Promise<void> {
    while (Date.now() + RELEASE_RETRY_MS < giveUpAt) {
      // Unref'd: a process shutting down does not wait for it (the claim is then abandoned in time).
      await sleep(RELEASE_RETRY_MS, undefined, { ref: false });
      try {
        await attempt();
        return;
      } catch (error) {
        if (!isDatabaseUnreachable(error)) break;
      }
    }
    this.logger.warn('idempotency keys left to be taken over once abandoned');
  }
}
