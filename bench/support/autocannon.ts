import { runNodeForJson } from './processes';

export interface LoadSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  non2xx: number;
  errors: number;
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Runs autocannon in a process of its own (its CPU is not the server's nor the receiver's). */
export async function autocannon(name: string, spec: LoadSpec): Promise<LoadResult> {
  const cli = require.resolve('autocannon/autocannon.js');
  const headers = Object.entries(spec.headers).flatMap(([key, value]) => ['-H', `${key}=${value}`]);
  // A request unanswered for 120 s is an error (a hung api); autocannon's default of 10 s failed a run at load 40.
  const args = [cli, '-j', '-c', String(spec.connections), '-d', String(spec.seconds), '-t', '120', '-m', 'POST'];
  const result = await runNodeForJson<AutocannonJson>(name, [...args, ...headers, '-b', spec.body, spec.url]);
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
