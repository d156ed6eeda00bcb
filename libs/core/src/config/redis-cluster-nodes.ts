import { ConfigError } from '../core.errors';
import type { RedisClusterTarget } from './herald-config';

/**
 * REDIS_CLUSTER_NODES: comma-separated seed nodes of a Redis Cluster, each `host:port` or a `redis://`/`rediss://`
 * URL. The client learns every other node from these. The user, password and TLS of the first entry apply to every
 * node (a managed cluster has one set of credentials); `host:port` entries inherit them.
 */
export function redisClusterNodes(raw: string): RedisClusterTarget {
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) throw new ConfigError('REDIS_CLUSTER_NODES', 'has an empty entry');
  const urls = entries.map((entry) => {
    let parsed: URL;
    try {
      parsed = new URL(/^[a-z]+:\/\//i.test(entry) ? entry : `redis://${entry}`);
    } catch {
      throw new ConfigError('REDIS_CLUSTER_NODES', `must list host:port entries, got "${entry}"`);
    }
    if (!['redis:', 'rediss:'].includes(parsed.protocol) || !parsed.hostname || parsed.pathname.length > 1) {
      throw new ConfigError('REDIS_CLUSTER_NODES', `must list host:port or redis[s]://host:port, got "${entry}"`);
    }
    return parsed;
  });
  const [first] = urls;
  return {
    nodes: urls.map((url) => ({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 6379) })),
    username: decodeURIComponent(first.username) || undefined,
    password: decodeURIComponent(first.password) || undefined,
    tls: first.protocol === 'rediss:',
  };
}
