import { useState } from 'react';
import { api, errorText } from '../api';
import { ReasonText } from '../components/DeliveryState';
import { ErrorText, Fact, Json, Status, Time, TitleRow, useLoad } from '../components/ui';
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
        <Fact label="Delivery">{delivery.id}</Fact>
        <Fact label="Provider">{delivery.provider ?? '—'}</Fact>
        <Fact label="Provider id">{delivery.providerMessageId ?? '—'}</Fact>
        {delivery.error && <Fact label="Error">{delivery.error}</Fact>}
        {delivery.nextAttemptAt && (
          <Fact label="Next attempt">
            <Time value={delivery.nextAttemptAt} />
          </Fact>
        )}
        {delivery.captured && <Fact label="Captured">yes: no provider is set up, the content is kept here</Fact>}
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
        <Fact label="Made by">
          <Link to={`/broadcasts/${notification.broadcastId}`}>broadcast {notification.broadcastId}</Link>
        </Fact>
      )}
      {notification.digestId && (
        <Fact label="Made by">
          <Link to={`/digests/${notification.digestId}`}>digest {notification.digestId}</Link>
          {typeof events === 'number' && ` with ${events} event${events === 1 ? '' : 's'}`}
        </Fact>
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
      <TitleRow title="Notification" onRefresh={reload} busy={loading} />
      <ErrorText>{error}</ErrorText>
      {loaded && data && (
        <>
          <dl className="facts">
            <Fact label="Id">{data.id}</Fact>
            <Fact label="Status">
              <Status value={data.status} />
            </Fact>
            <Fact label="Template">
              {data.template ? (
                <Link to={`/templates/${encodeURIComponent(data.template.key)}`}>
                  {data.template.key} v{data.template.version}
                </Link>
              ) : (
                'inline content'
              )}
            </Fact>
            <Fact label="Recipient">
              {data.recipientId ? (
                <Link to={`/recipients/${encodeURIComponent(data.recipientId)}`}>{data.recipientId}</Link>
              ) : (
                'inline addresses'
              )}
            </Fact>
            <Fact label="Created">
              <Time value={data.createdAt} />
            </Fact>
            <Origin notification={data} digest={loaded.digest} />
            {data.sendAt && (
              <Fact label="Send at">
                <Time value={data.sendAt} />
              </Fact>
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
