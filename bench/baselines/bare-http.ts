import { join } from 'node:path';
import { autocannon, LoadResult } from '../support/autocannon';
import { freePort, waitForHttp } from '../support/ports';
import { startNode } from '../support/processes';

/** Single accept's baseline: the same load, body and headers against a bare `node:http` server answering 202. */
export async function bareHttp(
  body: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const port = await freePort();
  const server = startNode('baseline-bare-http', [join(__dirname, 'bare-http.main.js')], {
    ...process.env,
    PORT: String(port),
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, () => server.assertAlive(), 202);
    await autocannon('autocannon-bare-warmup', {
      url: `http://127.0.0.1:${port}/`,
      body,
      headers,
      connections,
      seconds: 1,
    });
    const result = await autocannon('autocannon-bare', {
      url: `http://127.0.0.1:${port}/`,
      body,
      headers,
      connections,
      seconds,
    });
    server.assertAlive();
    return result;
  } finally {
    await server.stop();
  }
}
