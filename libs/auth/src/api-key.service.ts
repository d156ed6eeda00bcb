import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HeraldConfig, NotFoundError, uuidv7 } from '@herald/core';
import { EntityManager } from 'typeorm';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeyEntity } from './entities/api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import { UnauthorizedError } from './auth.errors';
import { ApiCaller, Scope } from './auth.types';

/** The caller id that ADMIN_API_KEY authenticates as (idempotency keys are scoped by it). */
export const BOOTSTRAP_KEY_ID = 'env:ADMIN_API_KEY';

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  prefix: string;
  createdAt: string;
}

/** Who a caller is: its key's id, name and scopes (`GET /v1/me`). */
export interface CallerView {
  id: string;
  name: string;
  scopes: Scope[];
}

function view(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    scopes: key.scopes,
    prefix: key.keyPrefix,
    createdAt: key.createdAt.toISOString(),
  };
}

/** API keys: random secrets shown once, stored as SHA-256 (they are high-entropy, so no slow hash is needed). */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly bootstrapHash?: Buffer;
  private readonly cache = new ApiKeyCache();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly config: HeraldConfig,
  ) {
    if (config.auth.adminApiKey) this.bootstrapHash = Buffer.from(hash(config.auth.adminApiKey), 'hex');
  }

  /** Whose key `secret` is; null when unknown or revoked. */
  async identify(secret: string): Promise<ApiCaller | null> {
    const digest = hash(secret);
    if (this.bootstrapHash && timingSafeEqual(Buffer.from(digest, 'hex'), this.bootstrapHash)) {
      return { apiKeyId: BOOTSTRAP_KEY_ID, scopes: ['admin'] };
    }
    const cached = this.cache.get(digest);
    if (cached) return cached;
    const key = await this.keys.findActiveByHash(digest);
    if (!key) return null;
    const caller: ApiCaller = { apiKeyId: key.id, scopes: key.scopes };
    this.cache.set(digest, caller);
    return caller;
  }

  /** The caller's key as `GET /v1/me` shows it; ADMIN_API_KEY has no row and is named after its variable. */
  async describe(caller: ApiCaller): Promise<CallerView> {
    if (caller.apiKeyId === BOOTSTRAP_KEY_ID)
      return { id: caller.apiKeyId, name: 'ADMIN_API_KEY', scopes: caller.scopes };
    const key = await this.keys.findActiveById(caller.apiKeyId);
    // Revoked between the guard and here: refused as the guard would refuse it now.
    if (!key) throw new UnauthorizedError('This API key is unknown or revoked.');
    return { id: key.id, name: key.name, scopes: key.scopes };
  }

  async create(name: string, scopes: Scope[], manager?: EntityManager): Promise<ApiKeyView & { key: string }> {
    const secret = `hk_${randomBytes(24).toString('base64url')}`;
    const key = await this.keys.insert(
      { id: uuidv7(), name, scopes: [...new Set(scopes)], keyHash: hash(secret), keyPrefix: secret.slice(0, 10) },
      manager,
    );
    return { ...view(key), key: secret };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.listActive()).map(view);
  }

  /** Refused at once on this instance; other instances stop accepting it within API_KEY_CACHE_TTL_MS. */
  async revoke(id: string): Promise<void> {
    const revoked = await this.keys.revoke(id);
    this.cache.forget(id);
    if (!revoked) throw new NotFoundError('API key', id);
  }

  /** First start on an empty database without ADMIN_API_KEY: make an admin key, print it once, keep it in a 0600 file. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.auth.adminApiKey) return;
    const created = await this.keys.whenNoKeys((manager) => this.create('bootstrap admin', ['admin'], manager));
    if (!created) return;
    const file = join(this.config.dataDir, 'admin.key');
    await mkdir(this.config.dataDir, { recursive: true });
    await writeFile(file, created.key + '\n', { mode: 0o600 });
    this.logger.log(`created the first admin API key, written to ${file}`);
    // Printed on stdout once, outside the JSON log, so it can be copied (and is not kept in log storage).
    process.stdout.write(`\nHerald admin API key (shown once): ${created.key}\n\n`);
  }
}
