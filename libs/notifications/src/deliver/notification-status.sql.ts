/**
 * The one rule for a notification's status, derived from the statuses of its
 * deliveries read from `source` (a relation with a `status` column). `NULL`
 * (work remains but none has started) keeps the current status. It runs after
 * any delivery changes status, with the notification row locked: every such
 * change takes that lock first, so concurrent changes see each other.
 */
export function derivedStatusSql(source: string): string {
  return `
    SELECT CASE
      WHEN count(*) FILTER (WHERE status IN ('scheduled', 'queued', 'sending')) > 0 THEN
        CASE WHEN count(*) FILTER (WHERE status NOT IN ('scheduled', 'queued')) > 0
             THEN 'processing' END
      WHEN count(*) FILTER (WHERE status = 'failed') = 0 THEN
        CASE WHEN count(*) = count(*) FILTER (WHERE status = 'cancelled') THEN 'cancelled' ELSE 'completed' END
      WHEN count(*) FILTER (WHERE status IN ('sent', 'delivered')) > 0 THEN 'partially_failed'
      ELSE 'failed'
    END AS status
    FROM ${source}`;
}

/** The rule applied to notification $1, in a statement of its own after its deliveries changed. */
export const NOTIFICATION_STATUS_SQL = `
  UPDATE notifications n SET status = s.status, updated_at = now()
  FROM (${derivedStatusSql('deliveries WHERE notification_id = $1')}) s
  WHERE n.id = $1 AND s.status IS NOT NULL AND n.status <> s.status`;
