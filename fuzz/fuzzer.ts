import type { ChangeLog } from './changes';
import { checkAnswer, Failure } from './checks';
import { Credentials, FuzzRequest, RequestGenerator } from './generator';
import type { HeraldUnderTest } from './herald';
import { closeConnections, FuzzResponse, NoAnswer, send, Unsendable } from './http';
import { OpenApiDocument, Operation, operations } from './openapi';
import { isRecord, Pool } from './pool';
import { Prng } from './prng';

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** Only routes (`METHOD /path`) matching it. */
  routes?: RegExp;
  timeoutMs: number;
  /** Progress lines. */
  progress(line: string): void;
  /** Called with every request and its answer (FUZZ_TRACE=1 prints them). */
  trace?(request: FuzzRequest, response: FuzzResponse): void;
}

export interface RouteStats {
  sent: number;
  byStatus: Map<number, number>;
}

export interface FuzzResult {
  sent: number;
  fiveXx: number;
  unsendable: number;
  failures: Failure[];
  routes: Map<string, RouteStats>;
}

const SCOPED = ['send', 'read', 'recipients'] as const;

/**
 * Sends `requests` generated requests, one at a time (so a change in the database belongs to the request that made
 * it), checks each answer, and after each one answered 4xx checks that nothing changed. Stops early when Herald
 * stops answering.
 */
export async function fuzz(herald: HeraldUnderTest, changes: ChangeLog, options: FuzzOptions): Promise<FuzzResult> {
  const doc = (await (await fetch(`${herald.baseUrl}/docs-json`)).json()) as OpenApiDocument;
  const all = operations(doc);
  const ops = all.filter((op) => !options.routes || options.routes.test(op.route));
  if (!ops.length) throw new Error(`no route of the document matches ${String(options.routes)}`);
  const methodsByPath = new Map<string, Set<string>>();
  for (const op of all) methodsByPath.set(op.path, (methodsByPath.get(op.path) ?? new Set()).add(op.method));

  const pool = new Pool();
  const credentials = await arrange(herald, pool);
  const generator = new RequestGenerator(doc, pool, credentials, methodsByPath);
  await changes.changes();

  const result: FuzzResult = { sent: 0, fiveXx: 0, unsendable: 0, failures: [], routes: new Map() };
  for (const op of ops) result.routes.set(op.route, { sent: 0, byStatus: new Map() });
  const started = Date.now();
  for (let index = 0; index < options.requests; index++) {
    const rng = new Prng(options.seed, index);
    const op: Operation = rng.pick(ops);
    const request = generator.generate(op, index, rng);
    let response: FuzzResponse;
    try {
      response = await send(herald.baseUrl, request, options.timeoutMs);
    } catch (error) {
      if (error instanceof Unsendable) {
        result.unsendable++;
        continue;
      }
      result.sent++;
      const exited = herald.exitCode() !== undefined;
      result.failures.push({
        kind: exited ? 'Herald exited' : 'no answer',
        route: request.route,
        detail: exited ? `exit code ${herald.exitCode()}` : (error as NoAnswer).message,
        request,
      });
      if (exited) break;
      continue;
    }
    result.sent++;
    options.trace?.(request, response);
    const stats = result.routes.get(request.route)!;
    stats.sent++;
    stats.byStatus.set(response.status, (stats.byStatus.get(response.status) ?? 0) + 1);
    if (response.status >= 500) result.fiveXx++;
    result.failures.push(...checkAnswer(request, response));

    const changed = await changes.changes();
    if (response.status >= 400 && changed.length) {
      result.failures.push({
        kind: 'refused but changed data',
        route: request.route,
        status: response.status,
        detail: changed.join('; '),
        request,
      });
    }
    if (response.status >= 200 && response.status < 300) harvest(pool, op, request, response);
    if ((index + 1) % 1000 === 0) {
      const rate = ((index + 1) / ((Date.now() - started) / 1000)).toFixed(0);
      options.progress(
        `fuzz: ${index + 1}/${options.requests} sent, ${rate}/s, 5xx=${result.fiveXx}, failures=${result.failures.length}`,
      );
    }
  }
  closeConnections();

  // Writes Herald made after answering would have been blamed on a later request; any left now are listed.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const late = await changes.changes();
  if (late.length) {
    result.failures.push({ kind: 'changed data after the run', route: '-', detail: late.join('; ') });
  }
  if (herald.exitCode() === undefined) {
    const ready = await fetch(`${herald.baseUrl}/health/ready`).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      (error: Error) => ({ status: 0, body: error.message }),
    );
    if (ready.status !== 200) {
      result.failures.push({
        kind: 'not ready at the end',
        route: 'GET /health/ready',
        status: ready.status,
        detail: ready.body.slice(0, 300),
      });
    }
  } else if (!result.failures.some((failure) => failure.kind === 'Herald exited')) {
    result.failures.push({ kind: 'Herald exited', route: '-', detail: `exit code ${herald.exitCode()}` });
  }
  return result;
}

/** The fuzzer's own keys (one per narrower scope), protected from being revoked, and objects to start from. */
async function arrange(herald: HeraldUnderTest, pool: Pool): Promise<Credentials> {
  const admin = async (method: string, path: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${herald.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${herald.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    if (!response.ok)
      throw new Error(`set-up ${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const scoped = {} as Credentials['scoped'];
  for (const scope of SCOPED) {
    const key = (await admin('POST', '/v1/admin/api-keys', { name: `fuzz ${scope}`, scopes: [scope] })) as {
      id: string;
      key: string;
    };
    pool.protect(key.id);
    scoped[scope] = key.key;
  }
  await admin('PUT', '/v1/admin/templates/fuzz.welcome', {
    name: 'Fuzz welcome',
    category: 'orders',
    channels: {
      email: { subject: 'Order {{orderId}}', html: '<p>Hi {{name}}</p>', text: 'Hi {{name}}' },
      sms: { text: 'Order {{orderId}}' },
      push: { title: 'Order', body: 'Order {{orderId}}' },
      in_app: { title: 'Order', body: 'Order {{orderId}}' },
      webhook: { payload: { order: '{{orderId}}' } },
    },
  });
  pool.add('templates', 'fuzz.welcome');
  await admin('PUT', '/v1/recipients/fuzz-ada', {
    email: 'ada@example.com',
    phone: '+15555550100',
    webhookUrl: 'https://example.com/hook',
  });
  pool.add('recipients', 'fuzz-ada');
  const sent = await admin('POST', '/v1/notifications', {
    template: 'fuzz.welcome',
    to: { recipientId: 'fuzz-ada' },
    data: { orderId: 'A-1', name: 'Ada' },
  });
  pool.harvest('/v1/notifications', {}, 'POST', sent);
  return { admin: herald.adminKey, scoped, inboxSecret: herald.inboxSecret };
}

function harvest(pool: Pool, op: Operation, request: FuzzRequest, response: FuzzResponse): void {
  if (request.method !== op.method) return;
  let body: unknown;
  try {
    body = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    return;
  }
  pool.harvest(op.path, request.params, op.method, isRecord(body) ? body : undefined);
}
