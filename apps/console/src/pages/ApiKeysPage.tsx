import { FormEvent, useState } from 'react';
import { api, errorText } from '../api';
import { ErrorText, TableWrap, Time, useLoad } from '../components/ui';
import { useSession } from '../session';
import { ApiKey, Page, Scope, SCOPES } from '../types';

export function ApiKeysPage() {
  const { caller } = useSession();
  const { data, error, reload } = useLoad(() => api<Page<ApiKey>>('/v1/admin/api-keys'), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['send']);
  const [created, setCreated] = useState<(ApiKey & { key: string }) | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setActionError(null);
    try {
      setCreated(await api<ApiKey & { key: string }>('/v1/admin/api-keys', { method: 'POST', body: { name, scopes } }));
      setName('');
      reload();
    } catch (failure) {
      setActionError(errorText(failure));
    }
  };
  const revoke = async (id: string) => {
    setActionError(null);
    try {
      await api(`/v1/admin/api-keys/${id}`, { method: 'DELETE' });
      setRevoking(null);
      reload();
    } catch (failure) {
      setActionError(errorText(failure));
    }
  };

  return (
    <section>
      <h1>API keys</h1>
      <form className="card stack" onSubmit={(event) => void create(event)} aria-label="Create an API key">
        <h2>Create a key</h2>
        <div className="field">
          <label htmlFor="k-name">Name</label>
          <input id="k-name" required value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label className="check" key={scope}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(event) =>
                  setScopes(SCOPES.filter((s) => (s === scope ? event.target.checked : scopes.includes(s))))
                }
              />
              {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={!name || !scopes.length}>
          Create key
        </button>
      </form>
      {created && (
        <div className="card secret" role="status">
          <p>
            The secret of <strong>{created.name}</strong>, shown this once: copy it now.
          </p>
          <output className="wrap" aria-label="New key secret">
            {created.key}
          </output>
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <ErrorText>{error ?? actionError}</ErrorText>
      {data && (
        <TableWrap label="API keys">
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">prefix</th>
              <th scope="col">scopes</th>
              <th scope="col">created</th>
              <th scope="col">
                <span className="visually-hidden">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((key) => (
              <tr key={key.id} data-id={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{key.scopes.join(', ')}</td>
                <td>
                  <Time value={key.createdAt} />
                </td>
                <td>
                  {key.id === caller.id ? (
                    'this key'
                  ) : revoking === key.id ? (
                    <>
                      <button type="button" onClick={() => void revoke(key.id)}>
                        Confirm revoke {key.name}
                      </button>
                      <button type="button" onClick={() => setRevoking(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setRevoking(key.id)}>
                      Revoke {key.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </section>
  );
}
