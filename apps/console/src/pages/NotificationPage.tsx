import { useState } from 'react';
import { api, errorText } from '../api';
import { ReasonText } from '../components/DeliveryState';
import { ErrorText, Json, Status, Time, useLoad } from '../components/ui';
import { ruleContext } from '../rule-context';
import type { ReasonContext } from '../reasons';
import { Link } from '../router';
import { allows, useSession } from '../session';
import type { Attempt, Caller, Delivery, DigestView, NotificationView } from '../types';

function AttemptTimeline({ attempts }: { attempts: Attempt[] }) {
  if (!attempts.length) return <p className="hint">No attempt yet.</p>;
  return (
    <ol className="timeline" aria-label="Attempts">
      {attempts.map((attempt) => (
        <li key={attempt.attempt} data-outcome={attempt.outcome ?? 'running'}>
          <p>
            <strong>Attempt {attempt.attempt}</strong> <Status value={attempt.outcome ?? 'running'} />
          </p>
          <p>
            <Time value={attempt.startedAt} /> → <Time value={attempt.finishedAt} />
          </p>
          {attempt.provider && <p>Provider: {attempt.provider}</p>}
          {attempt.providerMessageId && <p>Provider id: {attempt.providerMessageId}</p>}
          {attempt.error && <p className="error-text">{attempt.error}</p>}
        </li>
      ))}
    </ol>
  );
}

function DeliveryCard(props: { delivery: Delivery; context: ReasonContext; onChange: () => void }) {
  const { delivery, context, onChange } = props;
  const { caller } = useSession();
  const [error, setError] = useState<string | null>(null);
  const retry = async () => {
    setError(null);
    try {
      await api(`/v1/admin/deliveries/${delivery.id}/retry`, { method: 'POST' });
      onChange();
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <article className="card delivery" data-channel={delivery.channel} aria-label={`${delivery.channel} delivery`}>
      <h2>
        {delivery.channel} <Status value={delivery.status} />
      </h2>
      {delivery.reason && (
        <p className="why">
          <ReasonText delivery={delivery} context={context} />
        </p>
      )}
      <dl className="facts">
        <div>
          <dt>Delivery</dt>
          <dd>{delivery.id}</dd>
        </div>
        <div>
          <dt>Provider</dt>
          <dd>{delivery.provider ?? '—'}</dd>
        </div>
        <div>
          <dt>Provider id</dt>
          <dd>{delivery.providerMessageId ?? '—'}</dd>
        </div>
        {delivery.error && (
          <div>
            <dt>Error</dt>
            <dd>{delivery.error}</dd>
          </div>
        )}
        {delivery.nextAttemptAt && (
          <div>
            <dt>Next attempt</dt>
            <dd>
              <Time value={delivery.nextAttemptAt} />
            </dd>
          </div>
        )}
        {delivery.captured && (
          <div>
            <dt>Captured</dt>
            <dd>yes: no provider is set up, the content is kept here</dd>
          </div>
        )}
      </dl>
      {delivery.status === 'failed' && allows(caller, 'admin') && (
        <button type="button" onClick={() => void retry()}>
          Retry delivery
        </button>
      )}
      <ErrorText>{error}</ErrorText>
      <h3>Attempts</h3>
      <AttemptTimeline attempts={delivery.attempts} />
      {delivery.content !== null && delivery.content !== undefined && (
        <details>
          <summary>Rendered content</summary>
          <Json value={delivery.content} />
        </details>
      )}
    </article>
  );
}

interface Loaded {
  notification: NotificationView;
  context: ReasonContext;
  digest: DigestView | null;
}

/** The notification, then what explains it, each read only when the key may and left out when it fails. */
async function loadNotification(id: string, caller: Caller) {
  const notification = await api<NotificationView>(`/v1/notifications/${encodeURIComponent(id)}`);
  const digestId = notification.digestId;
  const [context, digest] = await Promise.all([
    ruleContext(notification, caller),
    digestId ? api<DigestView>(`/v1/digests/${digestId}`).catch(() => null) : null,
  ]);
  return { notification, context, digest } satisfies Loaded;
}

/** Where the notification came from when a rule made it: a broadcast's fan-out, or a digest's close. */
function Origin({ notification, digest }: { notification: NotificationView; digest: DigestView | null }) {
  const events = digest?.count ?? (notification.data as { count?: unknown }).count;
  return (
    <>
      {notification.broadcastId && (
        <div>
          <dt>Made by</dt>
          <dd>
            <Link to={`/broadcasts/${notification.broadcastId}`}>broadcast {notification.broadcastId}</Link>
          </dd>
        </div>
      )}
      {notification.digestId && (
        <div>
          <dt>Made by</dt>
          <dd>
            <Link to={`/digests/${notification.digestId}`}>digest {notification.digestId}</Link>
            {typeof events === 'number' && ` with ${events} event${events === 1 ? '' : 's'}`}
          </dd>
        </div>
      )}
    </>
  );
}

export function NotificationPage({ id }: { id: string }) {
  const { caller } = useSession();
  const { data: loaded, error, reload, loading } = useLoad(() => loadNotification(id, caller), [id]);
  const data = loaded?.notification;
  return (
    <section>
      <p className="crumbs">
        <Link to="/history">History</Link> / notification
      </p>
      <div className="title-row">
        <h1>Notification</h1>
        <button type="button" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </div>
      <ErrorText>{error}</ErrorText>
      {loaded && data && (
        <>
          <dl className="facts">
            <div>
              <dt>Id</dt>
              <dd>{data.id}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <Status value={data.status} />
              </dd>
            </div>
            <div>
              <dt>Template</dt>
              <dd>
                {data.template ? (
                  <Link to={`/templates/${encodeURIComponent(data.template.key)}`}>
                    {data.template.key} v{data.template.version}
                  </Link>
                ) : (
                  'inline content'
                )}
              </dd>
            </div>
            <div>
              <dt>Recipient</dt>
              <dd>
                {data.recipientId ? (
                  <Link to={`/recipients/${encodeURIComponent(data.recipientId)}`}>{data.recipientId}</Link>
                ) : (
                  'inline addresses'
                )}
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <Time value={data.createdAt} />
              </dd>
            </div>
            <Origin notification={data} digest={loaded.digest} />
            {data.sendAt && (
              <div>
                <dt>Send at</dt>
                <dd>
                  <Time value={data.sendAt} />
                </dd>
              </div>
            )}
          </dl>
          <details>
            <summary>Data</summary>
            <Json value={data.data} />
          </details>
          <div className="deliveries">
            {data.deliveries.map((delivery) => (
              <DeliveryCard key={delivery.id} delivery={delivery} context={loaded.context} onChange={reload} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
