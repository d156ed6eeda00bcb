/**
 * The one rule for a notification's status, run after any of its deliveries
 * changes status, with the notification row locked (every such change takes
 * that lock first, so concurrent changes see each other).
 */
/** Derives it from the deliveries; `NULL` (work remains but none has started) keeps the current status. */
export const NOTIFICATION_STATUS_SQL = `
  UPDATE notifications n SET status = s.status, updated_at = now()
  FROM (
    SELECT CASE
      WHEN count(*) FILTER (WHERE status IN ('pending', 'scheduled', 'queued', 'sending')) > 0 THEN
        CASE WHEN count(*) FILTER (WHERE status NOT IN ('pending', 'scheduled', 'queued')) > 0
             THEN 'processing' END
      WHEN count(*) FILTER (WHERE status = 'failed') = 0 THEN
        CASE WHEN count(*) = count(*) FILTER (WHERE status = 'cancelled') THEN 'cancelled' ELSE 'completed' END
      WHEN count(*) FILTER (WHERE status IN ('sent', 'delivered')) > 0 THEN 'partially_failed'
      ELSE 'failed'
    END AS status
    FROM deliveries WHERE notification_id = $1
  ) s
  WHERE n.id = $1 AND s.status IS NOT NULL AND n.status <> s.status`;
