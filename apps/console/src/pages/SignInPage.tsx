import { FormEvent, useState } from 'react';
import { api, ApiError, errorText } from '../api';
import type { Caller } from '../types';

export function SignInPage({ onSignedIn }: { onSignedIn: (key: string, caller: Caller) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(key.trim(), await api<Caller>('/v1/me', { key: key.trim() }));
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'This API key is unknown or revoked. Check it and try again.'
          : errorText(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sign-in">
      <h1>Herald console</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onChange={(event) => setKey(event.target.value)}
        />
        <p className="hint">The key is kept in this tab only, and what its scopes do not allow is not shown.</p>
        <button type="submit" disabled={busy || !key.trim()}>
          Sign in
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
