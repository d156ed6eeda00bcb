import { useEffect } from 'react';
import { api } from '../api';
import { ErrorText, Fact, Status, Time, TitleRow, useLoad } from '../components/ui';
import { Link } from '../router';
import type { BroadcastView } from '../types';

/** How often the page asks again while the worker fans the broadcast out. */
const REFRESH_MS = 1_000;

/** A send to a topic: how far its fan-out (one notification per subscriber) has gone. */
export function BroadcastPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useLoad(
    () => api<BroadcastView>(`/v1/broadcasts/${encodeURIComponent(id)}`),
    [id],
  );
  // Each answer (a new object) arms the next refresh, until the fan-out has completed.
  useEffect(() => {
    if (data?.status !== 'fanning_out') return;
    const timer = setTimeout(reload, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [data]);

  const done = data ? data.created + data.skipped : 0;
  return (
    <section>
      <p className="crumbs">
        <Link to="/history">History</Link> / broadcast
      </p>
      <TitleRow title="Broadcast" onRefresh={reload} busy={loading} />
      <ErrorText>{error}</ErrorText>
      {data && (
        <>
          <div className="progress" aria-label="Fan-out">
            <progress max={data.total || 1} value={data.total ? done : 1} aria-label="Subscribers reached" />
            <p>
              <strong data-field="reached">{done}</strong> of <strong data-field="total">{data.total}</strong>{' '}
              subscribers reached: <span data-field="created">{data.created}</span> notifications created,{' '}
              <span data-field="skipped">{data.skipped}</span> skipped
              {data.status === 'fanning_out' && ' (refreshing while it fans out)'}
            </p>
          </div>
          <dl className="facts">
            <Fact label="Id">{data.id}</Fact>
            <Fact label="Status">
              <Status value={data.status} />
            </Fact>
            <Fact label="Topic">
              <Link to={`/topics/${encodeURIComponent(data.topic)}`}>{data.topic}</Link>
            </Fact>
            <Fact label="Sent">
              <Time value={data.createdAt} />
            </Fact>
            <Fact label="Last progress">
              <Time value={data.updatedAt} />
            </Fact>
          </dl>
          <p className="hint">
            Skipped: subscribers for whom no notification could be made (erased meanwhile, or data their rendering
            refused). Each notification it made links back here from its page.
          </p>
        </>
      )}
    </section>
  );
}
