import { FormEvent, useEffect, useState } from 'react';
import { api, errorText } from '../api';
import { DeliveryState } from '../components/DeliveryState';
import { ErrorText, Status, TableWrap, Time, useLoad } from '../components/ui';
import type { ReasonContext } from '../reasons';
import { Link, navigate } from '../router';
import { allows, useSession } from '../session';
import {
  CHANNELS,
  DELIVERY_STATUSES,
  DeliveryListItem,
  NOTIFICATION_STATUSES,
  NotificationListItem,
  Page,
  TemplateView,
} from '../types';

type Kind = 'notifications' | 'deliveries';
type Filters = Record<string, string>;

/** A datetime-local value read in the browser's zone, as the API's zoned ISO 8601. */
const zoned = (local: string) => (local ? new Date(local).toISOString() : undefined);

function useHistory<T>(kind: Kind) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>({});
  const load = async (wanted: Filters, cursor?: string) => {
    setError(null);
    try {
      const page = await api<Page<T>>(`/v1/admin/${kind}`, {
        query: { ...wanted, since: zoned(wanted.since), until: zoned(wanted.until), cursor, limit: 25 },
      });
      setItems((old) => (cursor && old ? [...old, ...page.items] : page.items));
      setNext(page.nextCursor);
      setFilters(wanted);
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return { items, next, error, search: (wanted: Filters) => load(wanted), more: () => load(filters, next!) };
}

function Select(props: {
  id: string;
  label: string;
  options: readonly string[];
  filters: Filters;
  set: (f: Filters) => void;
}) {
  const { id, label, options, filters, set } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={filters[label] ?? ''}
        onChange={(event) => set({ ...filters, [label]: event.target.value })}
      >
        <option value="">any</option>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </div>
  );
}

function Text(props: { id: string; label: string; type?: string; filters: Filters; set: (f: Filters) => void }) {
  const { id, label, type = 'text', filters, set } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={filters[label] ?? ''}
        onChange={(event) => set({ ...filters, [label]: event.target.value })}
      />
    </div>
  );
}

/**
 * The rules of each template's current version, read once for the list: a row rendered with that version explains
 * its reasons with them (an older version's rules may differ, so its reasons are told without numbers).
 */
function useCurrentRules(): (item: NotificationListItem) => ReasonContext {
  const { data } = useLoad(() => api<{ items: TemplateView[] }>('/v1/admin/templates'), []);
  return ({ template }) => {
    const current = template && data?.items.find((candidate) => candidate.key === template.key);
    return current && current.version === template.version ? { rules: current } : {};
  };
}

function NotificationHistory() {
  const history = useHistory<NotificationListItem>('notifications');
  const contextOf = useCurrentRules();
  // The newest first, unfiltered, as soon as the list shows.
  useEffect(() => void history.search({}), []);
  const [filters, setFilters] = useState<Filters>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void history.search(filters);
  };
  return (
    <>
      <form className="filters" onSubmit={submit} aria-label="Notification filters">
        <Text id="n-recipient" label="recipientId" filters={filters} set={setFilters} />
        <Text id="n-template" label="template" filters={filters} set={setFilters} />
        <Select id="n-status" label="status" options={NOTIFICATION_STATUSES} filters={filters} set={setFilters} />
        <Select id="n-channel" label="channel" options={CHANNELS} filters={filters} set={setFilters} />
        <Text id="n-since" label="since" type="datetime-local" filters={filters} set={setFilters} />
        <Text id="n-until" label="until" type="datetime-local" filters={filters} set={setFilters} />
        <button type="submit">Search notifications</button>
      </form>
      <ErrorText>{history.error}</ErrorText>
      {history.items && (
        <TableWrap label="Notifications">
          <thead>
            <tr>
              <th scope="col">notification</th>
              <th scope="col">status</th>
              <th scope="col">template</th>
              <th scope="col">recipient</th>
              <th scope="col">deliveries</th>
              <th scope="col">created</th>
            </tr>
          </thead>
          <tbody>
            {history.items.map((item) => (
              <tr key={item.id} data-id={item.id}>
                <td>
                  <Link to={`/notifications/${item.id}`}>{item.id.slice(0, 13)}…</Link>
                  {item.broadcastId && (
                    <>
                      {' '}
                      <Link to={`/broadcasts/${item.broadcastId}`} className="origin">
                        from a broadcast
                      </Link>
                    </>
                  )}
                </td>
                <td>
                  <Status value={item.status} />
                </td>
                <td>{item.template ? `${item.template.key} v${item.template.version}` : 'inline'}</td>
                <td>{item.recipientId ?? '—'}</td>
                <td>
                  <ul className="plain tight">
                    {item.deliveries.map((delivery) => (
                      <li key={delivery.id} data-channel={delivery.channel}>
                        {delivery.channel}: <DeliveryState delivery={delivery} context={contextOf(item)} />
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <Time value={item.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {history.items?.length === 0 && <p>Nothing matches.</p>}
      {history.next && (
        <button type="button" onClick={() => void history.more()}>
          Load more
        </button>
      )}
    </>
  );
}

function DeliveryHistory() {
  const history = useHistory<DeliveryListItem>('deliveries');
  // The newest first, unfiltered, as soon as the list shows.
  useEffect(() => void history.search({}), []);
  const [filters, setFilters] = useState<Filters>({});
  const [retried, setRetried] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void history.search(filters);
  };
  const retry = async (id: string) => {
    try {
      const delivery = await api<DeliveryListItem>(`/v1/admin/deliveries/${id}/retry`, { method: 'POST' });
      setRetried((old) => ({ ...old, [id]: delivery.status }));
    } catch (failure) {
      setRetried((old) => ({ ...old, [id]: errorText(failure) }));
    }
  };
  return (
    <>
      <form className="filters" onSubmit={submit} aria-label="Delivery filters">
        <Select id="d-status" label="status" options={DELIVERY_STATUSES} filters={filters} set={setFilters} />
        <Select id="d-channel" label="channel" options={CHANNELS} filters={filters} set={setFilters} />
        <Text id="d-since" label="since" type="datetime-local" filters={filters} set={setFilters} />
        <Text id="d-until" label="until" type="datetime-local" filters={filters} set={setFilters} />
        <button type="submit">Search deliveries</button>
      </form>
      <ErrorText>{history.error}</ErrorText>
      {history.items && (
        <TableWrap label="Deliveries">
          <thead>
            <tr>
              <th scope="col">delivery</th>
              <th scope="col">channel</th>
              <th scope="col">status</th>
              <th scope="col">attempts</th>
              <th scope="col">error</th>
              <th scope="col">created</th>
            </tr>
          </thead>
          <tbody>
            {history.items.map((item) => (
              <tr key={item.id} data-id={item.id}>
                <td>
                  <Link to={`/notifications/${item.notificationId}`}>{item.id.slice(0, 13)}…</Link>
                </td>
                <td>{item.channel}</td>
                <td>
                  {retried[item.id] ? <Status value={retried[item.id]} /> : <DeliveryState delivery={item} />}
                  {item.status === 'failed' && !retried[item.id] && (
                    <button type="button" onClick={() => void retry(item.id)}>
                      Retry
                    </button>
                  )}
                </td>
                <td>{item.attemptCount}</td>
                <td>{item.error ?? ''}</td>
                <td>
                  <Time value={item.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {history.items?.length === 0 && <p>Nothing matches.</p>}
      {history.next && (
        <button type="button" onClick={() => void history.more()}>
          Load more
        </button>
      )}
    </>
  );
}

function OpenById() {
  const [id, setId] = useState('');
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        navigate(`/notifications/${encodeURIComponent(id.trim())}`);
      }}
    >
      <label htmlFor="open-id">Notification id</label>
      <input id="open-id" required value={id} onChange={(event) => setId(event.target.value)} />
      <button type="submit">Open</button>
    </form>
  );
}

export function HistoryPage() {
  const { caller } = useSession();
  const [kind, setKind] = useState<Kind>('notifications');
  return (
    <section>
      <h1>History</h1>
      <OpenById />
      {allows(caller, 'admin') && (
        <>
          <div className="tabs" role="group" aria-label="List">
            <button type="button" aria-pressed={kind === 'notifications'} onClick={() => setKind('notifications')}>
              Notifications
            </button>
            <button type="button" aria-pressed={kind === 'deliveries'} onClick={() => setKind('deliveries')}>
              Deliveries
            </button>
          </div>
          {kind === 'notifications' ? <NotificationHistory /> : <DeliveryHistory />}
        </>
      )}
    </section>
  );
}
