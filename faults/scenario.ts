import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Installation } from '../test/support/installation';
import { faultsInstallation } from './installation';
import { PostgresCluster } from './postgres-cluster';
import { FaultReceiver } from './receiver';
import { RedisServer } from './redis-server';
import { BroadcastLoad } from './broadcast-load';
import { DigestLoad } from './digest-load';
import { sendAll } from './load';
import { until } from './until';

/** Every delivery must be in a final status this long after the last fault. */
export const RECORDED_WITHIN_S = 60;
/** The fault strikes once this share of the notifications has been delivered: mid-run. */
const FAULT_AT_SHARE = 0.3;
/** The digest sends go on this long after the fault, so digests open during it close after it. */
const DIGESTS_AFTER_FAULT_MS = 3_000;

export interface ScenarioContext {
  installation: Installation;
  receiver: FaultReceiver;
  redis: RedisServer;
  /** The scenario's own PostgreSQL, when it asked for one. */
  postgres?: PostgresCluster;
}

export interface Scenario {
  name: string;
  /** A cluster of its own (the scenario stops it); else a database on the local PostgreSQL. */
  ownPostgres?: boolean;
  /** Set before the load starts (a fault that lasts the whole run). */
  before?(context: ScenarioContext): void;
  /** The fault, struck mid-run; resolves once it is over (the process gone, the server back). */
  fault?(context: ScenarioContext): Promise<void>;
}

export interface ScenarioResult {
  line: string;
  failures: string[];
  details: string;
}

const FINAL = ['sent', 'delivered', 'failed', 'skipped', 'cancelled'];

function localPostgresUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ScenarioSizes {
  /** Plain webhook notifications, sent through the batch endpoint. */
  notifications: number;
  /** Subscribers of the topic broadcast to at the fault. */
  subscribers: number;
}

/**
 * The processes that died of an error of their own (an exit code other than 0; the scenarios' SIGKILL and SIGTERM
 * end theirs by the signal or with 0), each with the first error line it printed. A failure: no fault the suite
 * strikes may end a process it did not aim at (a PostgreSQL restart once did, data-source.ts's `keepErrorsHeard`).
 */
function crashes(installation: Installation): string[] {
  const children = [
    ...installation.apis.map((child, i) => ({ child, name: `api ${i + 1}` })),
    ...installation.workers.map((child, i) => ({ child, name: `worker ${i + 1}` })),
  ];
  return children
    .filter(({ child }) => child.process.exitCode !== null && child.process.exitCode !== 0)
    .map(({ child, name }) => {
      const error = child
        .output()
        .split('\n')
        .find((line) => /^(\w*Error|error):/.test(line.trim()));
      return `${name} exited with ${child.process.exitCode}: ${error?.trim() ?? 'no error line'}`;
    });
}

/**
 * One scenario: its own Redis (and PostgreSQL when asked), a receiver, Herald split in three processes, the
 * plain notifications sent and digest sends streaming from the start; once 30 % of the plain ones are delivered,
 * a broadcast sent and the fault struck as soon as its fan-out is under way; the digest sends stopped a little
 * after the fault; then the outcome counted once everything is recorded, or 60 s after the fault have passed.
 */
export async function runScenario(scenario: Scenario, sizes: ScenarioSizes): Promise<ScenarioResult> {
  const total = sizes.notifications;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const receiver = await new FaultReceiver(secret).start();
  const redis = await new RedisServer().start();
  const postgres = scenario.ownPostgres ? await new PostgresCluster().start() : undefined;
  const database = `herald_faults_${randomBytes(4).toString('hex')}`;
  const local = new URL(localPostgresUrl());
  local.pathname = `/${database}`;
  const databaseUrl = postgres ? postgres.url(database) : local.toString();
  const installation = faultsInstallation({ databaseUrl, redisUrl: redis.url, webhookSecret: secret });
  const context: ScenarioContext = { installation, receiver, redis, postgres };
  const broadcast = new BroadcastLoad(installation, receiver, sizes.subscribers);
  const digests = new DigestLoad(installation, receiver);
  try {
    await installation.start();
    await broadcast.prepare();
    await digests.prepare();
    scenario.before?.(context);
    const loadDeadline = Date.now() + 240_000;
    const load = sendAll(installation.baseUrl, installation.adminKey, receiver.url(), total, loadDeadline);
    load.catch(() => undefined);
    digests.start(loadDeadline);

    await until(() => receiver.plainDelivered >= total * FAULT_AT_SHARE, {
      timeoutMs: 240_000,
      intervalMs: 10,
      what: `${FAULT_AT_SHARE * 100} % of the notifications to be delivered`,
    });
    await broadcast.send(loadDeadline);
    await broadcast.underWay();
    await digests.atFault();
    let inFlight = 0;
    let faultOverAt: number | undefined;
    if (scenario.fault) {
      const [{ sending }] = await installation.query<{ sending: number }>(
        `SELECT count(*)::int AS sending FROM deliveries WHERE status = 'sending'`,
      );
      inFlight = Math.max(sending, receiver.inProgress);
      await scenario.fault(context);
      faultOverAt = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, DIGESTS_AFTER_FAULT_MS));
    await digests.stop();
    const accepted = await load;
    // A fault that lasts the whole run (the receiver's 503s) is over when the last send is accepted.
    const lastFault = faultOverAt ?? Date.now();

    let recordedAfterS: number | undefined;
    const deadline = lastFault + RECORDED_WITHIN_S * 1000;
    while (Date.now() <= deadline) {
      const unrecorded = await installation
        .query<{ count: number }>(`SELECT count(*)::int AS count FROM deliveries WHERE status <> ALL($1)`, [FINAL])
        .then(
          ([row]) => row.count,
          () => Number.NaN,
        );
      const settled =
        unrecorded === 0 &&
        receiver.plainDelivered >= accepted.size &&
        (await broadcast.settled().catch(() => false)) &&
        (await digests.settled().catch(() => false));
      if (settled) {
        recordedAfterS = (Date.now() - lastFault) / 1000;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const left = await installation.query<{ status: string; attempts: number; count: number }>(
      `SELECT status, attempts, count(*)::int AS count FROM deliveries WHERE status <> ALL($1) GROUP BY 1, 2`,
      [FINAL],
    );
    const unrecorded = left.reduce((sum, row) => sum + row.count, 0);
    const broadcastOutcome = await broadcast.outcome();
    const digestOutcome = await digests.outcome();
    const crashed = crashes(installation);
    await installation.stop();

    const lost = [...accepted].filter((id) => !receiver.delivered.has(id)).length;
    const expected = new Set([...accepted, ...broadcastOutcome.deliveryIds, ...digestOutcome.deliveryIds]);
    const unknown = [...receiver.delivered.keys()].filter((id) => !expected.has(id)).length;
    let plainDuplicates = 0;
    for (const id of accepted) plainDuplicates += (receiver.delivered.get(id)?.count ?? 1) - 1;
    const duplicates = receiver.duplicates;
    const shown = recordedAfterS === undefined ? `>${RECORDED_WITHIN_S}` : recordedAfterS.toFixed(1);
    const line =
      `${scenario.name}: accepted=${accepted.size} delivered=${receiver.plainDelivered} lost=${lost} ` +
      `duplicates=${plainDuplicates} recorded_after_s=${shown} crashed=${crashed.length} ${broadcastOutcome.line} ` +
      digestOutcome.line;
    const failures: string[] = [];
    if (accepted.size !== total) failures.push(`${accepted.size} of ${total} notifications accepted`);
    if (lost > 0) failures.push(`${lost} accepted deliveries never reached the receiver`);
    if (duplicates > inFlight)
      failures.push(`${duplicates} duplicates in all, more than the ${inFlight} sends in flight at the fault`);
    if (recordedAfterS === undefined) {
      failures.push(
        `${unrecorded} deliveries not in a final status, or the broadcast or digests not through, ` +
          `${RECORDED_WITHIN_S} s after the last fault`,
      );
    }
    failures.push(...broadcastOutcome.failures, ...digestOutcome.failures);
    if (crashed.length) failures.push(`${crashed.length} processes died of an error: ${crashed.join('; ')}`);
    if (receiver.badSignatures > 0) failures.push(`${receiver.badSignatures} webhooks with a bad signature`);
    if (unknown > 0) failures.push(`${unknown} webhooks for deliveries nobody accepted`);
    const unfinished = left.map((row) => `${row.count} ${row.status} after ${row.attempts} attempt(s)`).join(', ');
    const details =
      `in flight at the fault: ${inFlight}; 503 answers: ${receiver.refused}` +
      (unfinished ? `; unrecorded: ${unfinished}` : '') +
      crashed.map((crash) => `; ${crash}`).join('');
    return { line, failures, details };
  } catch (error) {
    return {
      line: `${scenario.name}: error`,
      failures: [(error as Error).message],
      details: installation.output().slice(-4_000),
    };
  } finally {
    await installation.stop().catch(() => undefined);
    await receiver.stop();
    await redis.stop();
    if (postgres) postgres.destroy();
    else
      await adminQuery(localPostgresUrl(), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  }
}
