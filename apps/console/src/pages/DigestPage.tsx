import { useEffect } from 'react';
import { api } from '../api';
import { useCursorList } from '../components/cursor-list';
import { ErrorText, Fact, Json, Status, TableWrap, Time, TitleRow, useLoad } from '../components/ui';
import { Link } from '../router';
import { allows, useSession } from '../session';
import type { DigestEvent, DigestView, Page } from '../types';

/** How often the page asks again while the digest still takes sends. */
const REFRESH_MS = 2_000;
const EVENTS_PAGE = 50;

/**
 * The sends the digest holds, oldest first, from GET /v1/digests/{id}/events; a digest the key may not list
 * answers 404, and the list is left out rather than shown as an error.
 */
function DigestEvents({ id, count }: { id: string; count: number }) {
  const events = useCursorList(
    (cursor) =>
      api<Page<DigestEvent>>(`/v1/digests/${encodeURIComponent(id)}/events`, {
        query: { limit: EVENTS_PAGE, cursor },
      }),
    [id, count],
  );
  if (events.missing) return null;
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      <ErrorText>{events.error}</ErrorText>
      {events.items && (
        <TableWrap label="Events">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">data</th>
              <th scope="col">sent</th>
            </tr>
          </thead>
          <tbody>
            {events.items.map((event) => (
              <tr key={event.position} data-position={event.position}>
                <td>{event.position}</td>
                <td>
                  <Json value={event.data} />
                </td>
                <td>
                  <Time value={event.createdAt} />
                </td>
              </tr>
            ))}
            {events.items.length === 0 && (
              <tr>
                <td colSpan={3}>No event yet.</td>
              </tr>
            )}
          </tbody>
        </TableWrap>
      )}
      {events.next && (
        <button type="button" onClick={events.more}>
          Load more events
        </button>
      )}
    </section>
  );
}

/** Sends of one template to one recipient under one key, gathered until its window ends or it is full. */
export function DigestPage({ id }: { id: string }) {
  const { caller } = useSession();
  const { data, error, loading, reload } = useLoad(
    () => api<DigestView>(`/v1/digests/${encodeURIComponent(id)}`),
    [id],
  );
  // Each answer (a new object) arms the next refresh, until it has closed.
  useEffect(() => {
    if (!data || data.status === 'closed') return;
    const timer = setTimeout(reload, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [data]);

  return (
    <section>
      <p className="crumbs">
        <Link to="/history">History</Link> / digest
      </p>
      <TitleRow title="Digest" onRefresh={reload} busy={loading} />
      <ErrorText>{error}</ErrorText>
      {data && (
        <>
          <dl className="facts">
            <Fact label="Id">{data.id}</Fact>
            <Fact label="Status">
              <Status value={data.status} />
            </Fact>
            <Fact label="Events" field="count">
              {data.count} of at most {data.maxEvents}
            </Fact>
            <Fact label={data.closedAt ? 'Closed' : 'Closes at'}>
              <Time value={data.closedAt ?? data.closesAt} />
            </Fact>
            <Fact label="Template">
              {allows(caller, 'admin') ? (
                <Link to={`/templates/${encodeURIComponent(data.template)}`}>{data.template}</Link>
              ) : (
                data.template
              )}
            </Fact>
            <Fact label="Recipient">
              {allows(caller, 'recipients', 'read') ? (
                <Link to={`/recipients/${encodeURIComponent(data.recipientId)}`}>{data.recipientId}</Link>
              ) : (
                data.recipientId
              )}
            </Fact>
            <Fact label="Key">{data.key || '(empty)'}</Fact>
            <Fact label="Opened">
              <Time value={data.createdAt} />
            </Fact>
            <Fact label="Notification">
              {data.notificationId ? (
                <Link to={`/notifications/${data.notificationId}`}>notification {data.notificationId}</Link>
              ) : data.status === 'closed' ? (
                'none'
              ) : (
                'made when it closes'
              )}
            </Fact>
            {data.error && (
              <Fact label="Error" className="error-text">
                {data.error}
              </Fact>
            )}
          </dl>
          <DigestEvents id={data.id} count={data.count} />
        </>
      )}
    </section>
  );
}
