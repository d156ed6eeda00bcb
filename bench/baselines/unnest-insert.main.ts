import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/**
 * Child process: raw `INSERT … SELECT FROM unnest(…)` of `count` rows shaped like Herald's `notifications` table
 * (same columns, types, checks and index), `batch` rows per statement, each its own transaction. Prints
 * `{ "rowsPerSecond" }`.
 */
interface Args {
  url: string;
  count: number;
  batch: number;
}

const TABLE = `
  CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    api_key_id text NOT NULL,
    recipient_id text,
    template_key text,
    template_version integer,
    status text NOT NULL CHECK (status IN
      ('accepted','scheduled','processing','completed','partially_failed','failed','cancelled')),
    priority text NOT NULL CHECK (priority IN ('high','normal','low')),
    locale text,
    data jsonb NOT NULL,
    recipient jsonb NOT NULL,
    send_at timestamptz,
    idempotency_key text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, id DESC);`;

const INSERT = `
  INSERT INTO notifications (id, api_key_id, template_key, template_version, status, priority, data, recipient)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[])`;

async function main(): Promise<void> {
  const { url, count, batch } = JSON.parse(process.env.BENCH_ARGS!) as Args;
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(TABLE);
  const data = JSON.stringify({ sentAt: '1234.5', n: '1' });
  const recipient = JSON.stringify({ webhookUrl: 'http://127.0.0.1:9/hook' });
  const started = performance.now();
  for (let i = 0; i < count; i += batch) {
    const size = Math.min(batch, count - i);
    const ids = Array.from({ length: size }, () => randomUUID());
    const column = <T>(value: T) => Array.from({ length: size }, () => value);
    await client.query(INSERT, [
      ids,
      column('00000000-0000-0000-0000-000000000001'),
      column('bench.webhook'),
      column(1),
      column('accepted'),
      column('normal'),
      column(data),
      column(recipient),
    ]);
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  process.stdout.write(`${JSON.stringify({ rowsPerSecond: count / seconds })}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
