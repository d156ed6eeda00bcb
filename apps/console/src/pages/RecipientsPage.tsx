import { FormEvent, useEffect, useState } from 'react';
import { api, errorText } from '../api';
import { ErrorText, TableWrap, Time, useLoad } from '../components/ui';
import { Link, navigate } from '../router';
import { allows, useSession } from '../session';
import { CHANNELS, InboxMessage, Page, Preferences, PushSubscription, Recipient } from '../types';

export function RecipientsPage() {
  const [id, setId] = useState('');
  return (
    <section>
      <h1>Recipients</h1>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`/recipients/${encodeURIComponent(id.trim())}`);
        }}
      >
        <label htmlFor="recipient-id">Recipient id</label>
        <input id="recipient-id" required value={id} onChange={(event) => setId(event.target.value)} />
        <button type="submit">Look up</button>
      </form>
    </section>
  );
}

const ADDRESS_FIELDS = ['email', 'phone', 'locale', 'timezone', 'webhookUrl'] as const;

function Addresses({ recipient, editable, onSaved }: { recipient: Recipient; editable: boolean; onSaved: () => void }) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(
    () => setFields(Object.fromEntries(ADDRESS_FIELDS.map((name) => [name, recipient[name] ?? '']))),
    [recipient],
  );
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const body = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
      await api(`/v1/recipients/${encodeURIComponent(recipient.id)}`, {
        method: 'PUT',
        body: { ...body, data: recipient.data },
      });
      setMessage('Saved.');
      onSaved();
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <form className="card stack" onSubmit={(event) => void save(event)} aria-label="Addresses">
      <h2>Addresses</h2>
      {ADDRESS_FIELDS.map((name) => (
        <div className="field" key={name}>
          <label htmlFor={`r-${name}`}>{name}</label>
          <input
            id={`r-${name}`}
            value={fields[name] ?? ''}
            readOnly={!editable}
            onChange={(event) => setFields({ ...fields, [name]: event.target.value })}
          />
        </div>
      ))}
      {editable && <button type="submit">Save addresses</button>}
      {message && (
        <p role="status" className="ok">
          {message}
        </p>
      )}
      <ErrorText>{error}</ErrorText>
    </form>
  );
}

function PreferencesEditor({ id, editable }: { id: string; editable: boolean }) {
  const path = `/v1/recipients/${encodeURIComponent(id)}/preferences`;
  const { data, error: loadError, reload } = useLoad(() => api<Preferences>(path), [path]);
  const [channels, setChannels] = useState<Preferences['channels']>({});
  const [rest, setRest] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!data) return;
    const { channels: loaded, ...others } = data;
    setChannels(loaded ?? {});
    setRest(JSON.stringify(others, null, 2));
  }, [data]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setMessage(null);
    try {
      let others: Record<string, unknown>;
      try {
        others = JSON.parse(rest) as Record<string, unknown>;
      } catch {
        throw new Error('Categories and other settings are not valid JSON.');
      }
      await api(path, { method: 'PUT', body: { ...others, channels } });
      setMessage('Preferences saved.');
      reload();
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <form className="card stack" onSubmit={(event) => void save(event)} aria-label="Preferences">
      <h2>Preferences</h2>
      <ErrorText>{loadError}</ErrorText>
      <fieldset disabled={!editable}>
        <legend>Channels</legend>
        {CHANNELS.map((channel) => (
          <label className="check" key={channel}>
            <input
              type="checkbox"
              name={`pref-${channel}`}
              checked={channels[channel] !== false}
              onChange={(event) => setChannels({ ...channels, [channel]: event.target.checked })}
            />
            {channel}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="pref-rest">Categories and quiet hours (JSON)</label>
        <textarea
          id="pref-rest"
          rows={5}
          value={rest}
          readOnly={!editable}
          onChange={(event) => setRest(event.target.value)}
        />
      </div>
      {editable && <button type="submit">Save preferences</button>}
      {message && (
        <p role="status" className="ok">
          {message}
        </p>
      )}
      <ErrorText>{error}</ErrorText>
    </form>
  );
}

function Inbox({ id }: { id: string }) {
  const { data, error } = useLoad(
    () =>
      api<Page<InboxMessage> & { unreadCount: number }>(`/v1/recipients/${encodeURIComponent(id)}/inbox`, {
        query: { limit: 20 },
      }),
    [id],
  );
  return (
    <section className="card" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Inbox{data ? ` (${data.unreadCount} unread)` : ''}</h2>
      <ErrorText>{error}</ErrorText>
      {data?.items.length === 0 && <p>Empty.</p>}
      <ul className="plain">
        {data?.items.map((message) => (
          <li key={message.id}>
            <strong>{message.title ?? '(no title)'}</strong> {message.read ? '' : '· unread'}
            <br />
            {message.body} <Time value={message.createdAt} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function PushSubscriptions({ id, editable }: { id: string; editable: boolean }) {
  const path = `/v1/recipients/${encodeURIComponent(id)}/push-subscriptions`;
  const { data, error, reload } = useLoad(() => api<Page<PushSubscription>>(path), [path]);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const remove = async (subscription: string) => {
    try {
      await api(`${path}/${subscription}`, { method: 'DELETE' });
      reload();
    } catch (failure) {
      setRemoveError(errorText(failure));
    }
  };
  return (
    <section className="card" aria-labelledby="push-title">
      <h2 id="push-title">Push subscriptions</h2>
      <ErrorText>{error ?? removeError}</ErrorText>
      {data?.items.length === 0 && <p>None.</p>}
      <ul className="plain">
        {data?.items.map((subscription) => (
          <li key={subscription.id}>
            {subscription.type}: <span className="wrap">{subscription.endpoint ?? subscription.token}</span>{' '}
            <Time value={subscription.createdAt} />
            {editable && (
              <button type="button" onClick={() => void remove(subscription.id)}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** DELETE /v1/recipients/{id} erases the personal fields for good: the id must be typed again to confirm. */
function Erase({ id }: { id: string }) {
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const erase = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api(`/v1/recipients/${encodeURIComponent(id)}`, { method: 'DELETE' });
      navigate('/recipients');
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <section className="card danger" aria-labelledby="erase-title">
      <h2 id="erase-title">Erase</h2>
      <p>Deletes the recipient&apos;s addresses, preferences, subscriptions and inbox; history keeps only ids.</p>
      {!confirming ? (
        <button type="button" onClick={() => setConfirming(true)}>
          Erase recipient…
        </button>
      ) : (
        <form className="stack" onSubmit={(event) => void erase(event)}>
          <label htmlFor="erase-confirm">Type the recipient id ({id}) to confirm</label>
          <input id="erase-confirm" value={typed} onChange={(event) => setTyped(event.target.value)} />
          <div className="row">
            <button type="submit" disabled={typed !== id}>
              Erase for good
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorText>{error}</ErrorText>
    </section>
  );
}

export function RecipientPage({ id }: { id: string }) {
  const { caller } = useSession();
  const editable = allows(caller, 'recipients');
  const { data, error, reload } = useLoad(() => api<Recipient>(`/v1/recipients/${encodeURIComponent(id)}`), [id]);
  return (
    <section>
      <p className="crumbs">
        <Link to="/recipients">Recipients</Link> / {id}
      </p>
      <h1>Recipient {id}</h1>
      <ErrorText>{error}</ErrorText>
      {data && (
        <div className="cards">
          <Addresses recipient={data} editable={editable} onSaved={reload} />
          <PreferencesEditor id={id} editable={editable} />
          {allows(caller, 'read') && <Inbox id={id} />}
          <PushSubscriptions id={id} editable={editable} />
          {allows(caller, 'admin') && (
            <p>
              <Link to="/history">Notifications of this recipient</Link> (filter the history by recipientId)
            </p>
          )}
          {editable && <Erase id={id} />}
        </div>
      )}
      {data && (
        <TableWrap label="Recipient data">
          <tbody>
            {Object.entries(data.data).map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{JSON.stringify(value)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </section>
  );
}
