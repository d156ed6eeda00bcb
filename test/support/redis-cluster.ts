import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@herald/core';
import { Redis } from 'ioredis';
import { Child, startChild, stopChild } from './child-process';
import { eventually } from './eventually';

const run = promisify(execFile);

/** A port free on 127.0.0.1 whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535 || taken.has(port) || taken.has(port + 10_000)) continue;
    const busFree = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 10_000, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (busFree) return port;
  }
}

/** One line of CLUSTER NODES. */
interface ClusterNode {
  port: number;
  master: boolean;
  failed: boolean;
  /** The slot ranges it serves (masters only). */
  slots: [number, number][];
}

/**
 * A Redis Cluster of the test's own, from `redis-server` on free ports: 3 masters with a replica each (no
 * persistence, a 2 s node timeout, so a replica takes over a killed master within a few seconds). `nodes` is what
 * REDIS_CLUSTER_NODES takes. Killing a node or stopping it all touches nobody else's Redis. A test Peer.
 */
export class RedisCluster {
  readonly ports: number[] = [];
  private readonly children = new Map<number, Child>();
  private readonly killed = new Set<number>();
  private dir?: string;

  constructor(private readonly size = 6) {}

  /** Whether redis-server and redis-cli are installed (the tests that need a cluster are skipped otherwise). */
  static available(): boolean {
    return ['redis-server', 'redis-cli'].every((command) => spawnSync(command, ['--version']).status === 0);
  }

  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async start(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'herald-redis-cluster-'));
    const taken = new Set<number>();
    for (let i = 0; i < this.size; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port).add(port + 10_000);
      this.ports.push(port);
    }
    for (const port of this.ports) {
      const args = [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', this.dir],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
        ...['--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no'],
        // A replica's first sync starts at once rather than after Redis's 5 s wait for more replicas.
        ...['--repl-diskless-sync-delay', '0'],
      ];
      this.children.set(port, startChild('redis-server', args, { env: process.env }));
    }
    await Promise.all(
      this.ports.map((port) =>
        eventually(() => this.command(port, 'PING'), { timeoutMs: 15_000, what: `redis-server on ${port}` }),
      ),
    );
    const create = ['--cluster', 'create', ...this.ports.map((port) => `127.0.0.1:${port}`)];
    await run('redis-cli', [...create, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });
    await this.waitUntilOk(this.ports);
    await this.waitForReplicas();
    return this;
  }

  /**
   * Every replica synced with its master. A replica that has never finished its first sync counts its data as
   * infinitely old and never takes over (Redis's replica validity check): a master killed before then is never
   * replaced, which a test killing masters once saw (no failover in 60 s on a busy machine).
   */
  private async waitForReplicas(timeoutMs = 60_000): Promise<void> {
    await eventually(
      async () => {
        let synced = 0;
        for (const port of this.ports) {
          const info = String(await this.command(port, 'INFO', 'replication'));
          if (info.includes('role:slave') && info.includes('master_link_status:up')) synced++;
        }
        return synced === this.size / 2;
      },
      { timeoutMs, intervalMs: 200, what: 'every replica of the Redis Cluster to be in sync with its master' },
    );
  }

  /** Every node but the killed ones says cluster_state:ok, and every slot has a live master. */
  async waitUntilOk(ports = this.live(), timeoutMs = 60_000): Promise<void> {
    await eventually(
      async () => {
        for (const port of ports) {
          const info = String(await this.command(port, 'CLUSTER', 'INFO'));
          if (!info.includes('cluster_state:ok')) return false;
        }
        const masters = (await this.topology(ports[0])).filter((node) => node.master && !node.failed);
        const covered = masters.flatMap((node) => node.slots).reduce((sum, [from, to]) => sum + to - from + 1, 0);
        return covered === 16_384;
      },
      { timeoutMs, intervalMs: 200, what: 'the Redis Cluster to be ok on every live node' },
    );
  }

  /**
   * Waits until the live nodes agree that the killed master at `port` has failed and its replica serves its slots
   * (right after the kill the others still call it a master: it takes the node timeout to notice).
   */
  async waitForFailover(port: number, timeoutMs = 60_000): Promise<void> {
    await eventually(
      async () => {
        const nodes = await this.topology(this.live()[0]);
        return nodes.some((node) => node.port === port && node.failed && node.slots.length === 0);
      },
      { timeoutMs, intervalMs: 200, what: `a replica to take over from the master on ${port}` },
    );
    await this.waitUntilOk(this.live(), timeoutMs);
  }

  /** The ports of the nodes not killed. */
  live(): number[] {
    return this.ports.filter((port) => !this.killed.has(port));
  }

  /** The live masters' ports. */
  async masters(): Promise<number[]> {
    return (await this.topology(this.live()[0])).filter((node) => node.master && !node.failed).map((n) => n.port);
  }

  /** The port of the live master serving `key`'s slot. */
  async masterOf(key: string): Promise<number> {
    const [port] = this.live();
    const slot = Number(await this.command(port, 'CLUSTER', 'KEYSLOT', key));
    const owner = (await this.topology(port)).find(
      (node) => node.master && !node.failed && node.slots.some(([from, to]) => slot >= from && slot <= to),
    );
    if (!owner) throw new Error(`no live master serves slot ${slot} of ${key}`);
    return owner.port;
  }

  /** The keys matching `pattern` on the node at `port` (a master holds only its own slots' keys). */
  async keysOn(port: number, pattern: string): Promise<string[]> {
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      return keys;
    } finally {
      redis.disconnect();
    }
  }

  /** SIGKILL: the node is gone at once, as a crashed or unplugged server is. */
  kill(port: number): void {
    this.killed.add(port);
    this.children.get(port)?.process.kill('SIGKILL');
  }

  /** Every node killed (no shutdown to wait for: nothing is persisted), the directory removed. */
  async stop(): Promise<void> {
    await Promise.all([...this.children.values()].map((child) => stopChild(child, 0)));
    this.children.clear();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private async topology(port: number): Promise<ClusterNode[]> {
    const text = String(await this.command(port, 'CLUSTER', 'NODES'));
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [, address, flags, , , , , , ...slots] = line.split(' ');
        return {
          port: Number(address.split('@')[0].split(':').pop()),
          master: flags.split(',').includes('master'),
          failed: /(^|,)(fail|noaddr)(,|$)/.test(flags),
          slots: slots
            .filter((slot) => /^\d/.test(slot))
            .map((slot) => slot.split('-').map(Number))
            .map(([from, to]) => [from, to ?? from] as [number, number]),
        };
      });
  }

  private async command(port: number, ...args: string[]): Promise<unknown> {
    const redis = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await redis.call(args[0], ...args.slice(1));
    } finally {
      redis.disconnect();
    }
  }
}
