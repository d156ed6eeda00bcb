import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        scopes text[] NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await db.query(`
      CREATE TABLE recipients (
        id text PRIMARY KEY,
        email text,
        phone text,
        locale text,
        timezone text,
        webhook_url text,
        data jsonb NOT NULL DEFAULT '{}',
        preferences jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE templates (
        key text PRIMARY KEY,
        active_version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await db.query(`
      CREATE TABLE template_versions (
        template_key text NOT NULL REFERENCES templates (key) ON DELETE CASCADE,
        version integer NOT NULL,
        definition jsonb NOT NULL,
        definition_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (template_key, version)
      )`);
    await db.query(`
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
      )`);
    await db.query(`CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, id DESC)`);
    await db.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('email','sms','push','webhook','in_app')),
        status text NOT NULL CHECK (status IN
          ('pending','scheduled','queued','sending','sent','delivered','failed','skipped','cancelled')),
        reason text,
        error text,
        address jsonb,
        content jsonb,
        captured boolean NOT NULL DEFAULT false,
        provider_message_id text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX deliveries_notification_idx ON deliveries (notification_id)`);
    await db.query(`
      CREATE INDEX deliveries_unfinished_idx ON deliveries (status, updated_at)
      WHERE status IN ('scheduled','queued','sending')`);
    await db.query(`
      CREATE TABLE delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        outcome text CHECK (outcome IN ('ok','transient_error','permanent_error')),
        error text,
        provider_message_id text,
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await db.query(`
      CREATE TABLE idempotency_keys (
        api_key_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (api_key_id, key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_keys',
      'delivery_attempts',
      'deliveries',
      'notifications',
      'template_versions',
      'templates',
      'recipients',
      'api_keys',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
