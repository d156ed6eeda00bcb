/**
 * One chunk of made-up history in one statement: notifications $1 <= i < $2 of $5, notification i at
 * $3 + i * $4 / $5 ms ($3 the first instant, $4 the span), with its deliveries and their attempts (their foreign
 * keys, where the schema has them, are checked at the end of the statement, when all three are written). $6 is
 * the run's 3-hex-digit tag, $7 now in ms, $8 the recipients, $9 the channels, $10 the template keys (null:
 * inline content). Ids: the instant's 48 bits, version 7, the run's tag, the variant, then 0 for the
 * notification or k for its k-th delivery, then i: a delivery's id carries its notification's time.
 * Pseudo-random choices are hashes of i (and k), so a run is the same for the same N.
 */
export const CHUNK_SQL = `
  WITH n AS (
    SELECT i, $3::bigint + (i * $4::bigint) / $5::bigint AS ms, abs(hashint8extended(i, 1)) AS h
    FROM generate_series($1::bigint, $2::bigint - 1) AS i
  ), nn AS (
    SELECT i, h, lpad(to_hex(ms), 12, '0') || '7' || $6 || '8' AS prefix, lpad(to_hex(i), 14, '0') AS serial,
      timestamptz 'epoch' + ms * interval '1 millisecond' AS created_at, ms > $7::bigint - 300000 AS recent,
      'seed-' || (h % $8) AS recipient_id,
      CASE WHEN h % 199 = 0 THEN timestamptz 'epoch' + ms * interval '1 millisecond' + interval '2 days' END AS send_at
    FROM n
  ), d AS (
    SELECT nn.*, k,
      ($9::text[])[1 + ((h / 3 + k * (1 + (h / 15) % 2)) % 5)::int] AS channel,
      abs(hashint8extended(i, k + 1)) % 1000 AS r
    FROM nn CROSS JOIN LATERAL generate_series(1, 1 + (h % 3)::int) AS k
  ), ds AS (
    SELECT d.*,
      CASE
        WHEN send_at > now() THEN 'scheduled'
        WHEN recent AND r < 400 THEN 'queued'
        WHEN recent AND r < 550 THEN 'sending'
        WHEN r < 25 THEN 'failed'
        WHEN r < 45 THEN 'skipped'
        WHEN r < 55 THEN 'cancelled'
        WHEN channel IN ('email', 'sms') AND r < 600 THEN 'delivered'
        ELSE 'sent'
      END AS status
    FROM d
  ), da AS (
    SELECT ds.*,
      CASE
        WHEN status IN ('sent', 'delivered') THEN 1 + (r % 7 = 0)::int + (r % 21 = 0)::int
        WHEN status = 'failed' THEN 1 + (r % 3)::int
        WHEN status = 'sending' THEN 1
        ELSE 0
      END AS attempts,
      COALESCE(send_at, created_at) AS due_at
    FROM ds
  ), st AS (
    -- The status rule of notification-status.sql.ts; NULL (nothing started) keeps accepted or scheduled.
    SELECT i,
      CASE
        WHEN bool_or(status IN ('scheduled', 'queued', 'sending')) THEN
          CASE WHEN bool_or(status NOT IN ('scheduled', 'queued')) THEN 'processing' END
        WHEN NOT bool_or(status = 'failed') THEN
          CASE WHEN bool_and(status = 'cancelled') THEN 'cancelled' ELSE 'completed' END
        WHEN bool_or(status IN ('sent', 'delivered')) THEN 'partially_failed'
        ELSE 'failed'
      END AS derived
    FROM ds GROUP BY i
  ), notifications_in AS (
    INSERT INTO notifications (id, api_key_id, recipient_id, template_key, template_version, status, priority, locale,
      data, recipient, send_at, created_at, updated_at)
    SELECT (prefix || '0' || serial)::uuid, 'seed', recipient_id, tpl, CASE WHEN tpl IS NOT NULL THEN 1 + (h % 3)::int END,
      COALESCE(derived, CASE WHEN send_at > now() THEN 'scheduled' ELSE 'accepted' END),
      CASE h % 10 WHEN 0 THEN 'high' WHEN 1 THEN 'low' ELSE 'normal' END,
      CASE (h / 11) % 3 WHEN 0 THEN 'en' WHEN 1 THEN 'fr' END,
      jsonb_build_object('orderId', i, 'amount', (h % 100000) / 100.0),
      jsonb_build_object('recipientId', recipient_id, 'email', recipient_id || '@example.com'),
      send_at, created_at, LEAST(now(), created_at + (h % 40) * interval '1 second')
    FROM (SELECT nn.*, ($10::text[])[1 + ((h / 7) % 7)::int] AS tpl FROM nn) nt JOIN st USING (i)
  ), deliveries_in AS (
    INSERT INTO deliveries (id, notification_id, channel, status, reason, error, address, content, captured,
      provider_message_id, provider, attempts, next_attempt_at, lease_expires_at, created_at, updated_at)
    SELECT (prefix || k || serial)::uuid, (prefix || '0' || serial)::uuid, channel, status,
      CASE
        WHEN status = 'skipped' THEN (ARRAY['no_address', 'opted_out', 'suppressed', 'throttled'])[1 + (r % 4)::int]
      END,
      CASE WHEN status = 'failed' THEN 'permanent: 550 mailbox unavailable' END,
      CASE channel
        WHEN 'email' THEN jsonb_build_object('email', recipient_id || '@example.com')
        WHEN 'sms' THEN jsonb_build_object('phone', '+1555' || lpad((h % 10000000)::text, 7, '0'))
        WHEN 'webhook' THEN jsonb_build_object('webhookUrl', 'https://hooks.example.com/herald')
        ELSE jsonb_build_object('recipientId', recipient_id)
      END,
      CASE channel
        WHEN 'email' THEN jsonb_build_object('subject', 'Your order ' || i, 'text', 'Hello, your order ' || i ||
          ' is on its way. Track it in your account.')
        WHEN 'webhook' THEN jsonb_build_object('body', jsonb_build_object('event', 'order', 'orderId', i))
        ELSE jsonb_build_object('title', 'Order ' || i, 'body', 'Your order is on its way')
      END,
      false,
      CASE WHEN status IN ('sent', 'delivered') THEN 'seed-' || prefix || k || serial END,
      CASE WHEN attempts > 0 THEN CASE channel WHEN 'email' THEN 'smtp:mail.example.com:587'
        WHEN 'sms' THEN 'twilio' WHEN 'push' THEN 'webpush' WHEN 'webhook' THEN 'webhook' ELSE 'in_app' END END,
      attempts, CASE WHEN status = 'scheduled' THEN send_at END,
      CASE WHEN status = 'sending' THEN now() + interval '5 minutes' END,
      created_at, LEAST(now(), due_at + (attempts * 2 + r % 5) * interval '1 second')
    FROM da
  )
  INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, error, provider_message_id,
    provider)
  SELECT (prefix || k || serial)::uuid, a, due_at + (a * 2 - 2) * interval '1 second',
    CASE WHEN status <> 'sending' THEN due_at + (a * 2 - 1) * interval '1 second' END,
    CASE
      WHEN status = 'sending' THEN NULL
      WHEN a < attempts THEN 'transient_error'
      WHEN status = 'failed' THEN 'permanent_error'
      ELSE 'ok'
    END,
    CASE
      WHEN status = 'sending' THEN NULL
      WHEN a < attempts THEN 'transient: 503 service unavailable'
      WHEN status = 'failed' THEN 'permanent: 550 mailbox unavailable'
    END,
    CASE WHEN a = attempts AND status IN ('sent', 'delivered') THEN 'seed-' || prefix || k || serial END,
    CASE channel WHEN 'email' THEN 'smtp:mail.example.com:587' WHEN 'sms' THEN 'twilio' WHEN 'push' THEN 'webpush'
      WHEN 'webhook' THEN 'webhook' ELSE 'in_app' END
  FROM da CROSS JOIN LATERAL generate_series(1, attempts) AS a`;
