import { resourceOf } from './openapi';
import type { Prng } from './prng';

const KEEP = 200;

/**
 * Ids and keys Herald answered with (recipients, templates, notifications, deliveries, keys...), by the noun of
 * their route, so generated paths reach existing objects and not only 404s. Protected ids (the fuzzer's own API
 * keys) are never handed out.
 */
export class Pool {
  private readonly items = new Map<string, string[]>();
  private readonly protectedIds = new Set<string>();

  protect(id: string): void {
    this.protectedIds.add(id);
  }

  add(kind: string, id: string): void {
    if (this.protectedIds.has(id)) return;
    const list = this.items.get(kind) ?? [];
    if (list.includes(id)) return;
    list.push(id);
    if (list.length > KEEP) list.shift();
    this.items.set(kind, list);
  }

  pick(rng: Prng, kind: string | undefined): string | undefined {
    const list = kind === undefined ? undefined : this.items.get(kind);
    return list?.length ? rng.pick(list) : undefined;
  }

  /** Remembers what a 2xx answer of `path` (the route's template) names, and the path parameters it was sent with. */
  harvest(path: string, params: Record<string, string>, method: string, body: unknown): void {
    if (method === 'PUT') {
      for (const [name, value] of Object.entries(params)) {
        const kind = resourceOf(path, name);
        if (kind) this.add(kind, value);
      }
    }
    const kind = resourceOf(path);
    if (!kind || !isRecord(body)) return;
    this.harvestObject(kind, body);
    if (Array.isArray(body.items)) for (const item of body.items) if (isRecord(item)) this.harvestObject(kind, item);
  }

  private harvestObject(kind: string, value: Record<string, unknown>): void {
    if (typeof value.id === 'string') this.add(kind === 'batch' ? 'notifications' : kind, value.id);
    if ((kind === 'templates' || kind === 'versions') && typeof value.key === 'string')
      this.add('templates', value.key);
    if (Array.isArray(value.deliveries)) {
      for (const delivery of value.deliveries) {
        if (isRecord(delivery) && typeof delivery.id === 'string') this.add('deliveries', delivery.id);
      }
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
