import { createConnection } from 'node:net';
import { connect as amqpConnect } from 'amqp-connection-manager';

export const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const NO_RABBITMQ = (url: string) =>
  `\n${'!'.repeat(72)}\n!! RabbitMQ does not answer at ${url}: the RabbitMQ transport tests were SKIPPED.\n` +
  `!! Start RabbitMQ (or set TEST_RABBITMQ_URL) to run them; HERALD_TEST_REQUIRE_RABBITMQ=1 makes this fail.\n${'!'.repeat(72)}\n`;

/** An AMQP 0-9-1 protocol header answered by a Connection.Start frame (type 1) means a broker is there. */
function rabbitAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection(Number(port || 5672), hostname);
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data[0] === 1);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Whether RabbitMQ runs here; when it does not, a loud notice, or a failure under HERALD_TEST_REQUIRE_RABBITMQ=1. */
export async function rabbitmqAvailable(url = RABBITMQ_URL): Promise<boolean> {
  if (await rabbitAnswers(url)) return true;
  if (process.env.HERALD_TEST_REQUIRE_RABBITMQ === '1')
    throw new Error(`HERALD_TEST_REQUIRE_RABBITMQ=1 but RabbitMQ does not answer at ${url}`);
  console.warn(NO_RABBITMQ(url));
  return false;
}

/** Runs `use` on a channel of its own, closed after. */
export async function withAmqpChannel<T>(
  use: (channel: import('amqp-connection-manager').ChannelWrapper) => Promise<T>,
  url = RABBITMQ_URL,
): Promise<T> {
  const connection = amqpConnect([url]);
  const channel = connection.createChannel();
  try {
    await channel.waitForConnect();
    return await use(channel);
  } finally {
    await channel.close();
    await connection.close();
  }
}

/** Messages ready in a queue (not counting those delivered and unacked). */
export function readyMessages(queue: string): Promise<number> {
  // amqplib ships no types here: the reply's one field this reads.
  return withAmqpChannel(
    async (channel) => ((await channel.checkQueue(queue)) as { messageCount: number }).messageCount,
  );
}

/** Deletes a test's durable queue (it outlives Herald in production; a test's must not). */
export function deleteQueue(queue: string): Promise<void> {
  return withAmqpChannel(async (channel) => {
    await channel.deleteQueue(queue);
  });
}
