import { FormEvent, useEffect, useState } from 'react';
import { api, ApiError, errorText } from '../api';
import { ErrorText, Fact, Json, Time, useLoad } from '../components/ui';
import { diffLines } from '../diff';
import { Link } from '../router';
import { RulesSummary } from '../components/RulesSummary';
import { CHANNEL_FIELDS, definitionText, Draft, draftBody, draftOf, emptyDraft } from '../template-draft';
import { Accepted, CHANNELS, Channel, ChannelContent, TemplateView } from '../types';

const PREVIEW_DELAY_MS = 300;
const LOCALE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

interface Loaded {
  current: TemplateView | null;
  versions: TemplateView[];
}

async function loadTemplate(key: string): Promise<Loaded> {
  const path = `/v1/admin/templates/${encodeURIComponent(key)}`;
  try {
    const [current, versions] = await Promise.all([
      api<TemplateView>(path),
      api<{ items: TemplateView[] }>(`${path}/versions`),
    ]);
    return { current, versions: [...versions.items].sort((a, b) => b.version - a.version) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { current: null, versions: [] };
    throw error;
  }
}

export function TemplateEditorPage({ templateKey }: { templateKey: string }) {
  const { data, error, reload } = useLoad(() => loadTemplate(templateKey), [templateKey]);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [locale, setLocale] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);

  // The draft follows what the API holds whenever it is (re)loaded: after a save or an activation.
  useEffect(() => {
    if (data) setDraft(data.current ? draftOf(data.current) : emptyDraft());
  }, [data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaveError(null);
    setMessage(null);
    try {
      const saved = await api<TemplateView>(`/v1/admin/templates/${encodeURIComponent(templateKey)}`, {
        method: 'PUT',
        body: draftBody(draft),
      });
      setMessage(`Saved: version ${saved.version} is active.`);
      reload();
    } catch (failure) {
      setSaveError(errorText(failure));
    }
  };

  const activate = async (version: number) => {
    setSaveError(null);
    try {
      await api(`/v1/admin/templates/${encodeURIComponent(templateKey)}/versions/${version}/activate`, {
        method: 'POST',
      });
      setMessage(`Version ${version} is active.`);
      reload();
    } catch (failure) {
      setSaveError(errorText(failure));
    }
  };

  const setField = (channel: Channel, field: string, value: string) =>
    setDraft((old) => {
      if (!locale) return { ...old, texts: { ...old.texts, [channel]: { ...old.texts[channel], [field]: value } } };
      const texts = old.locales[locale] ?? {};
      return {
        ...old,
        locales: { ...old.locales, [locale]: { ...texts, [channel]: { ...texts[channel], [field]: value } } },
      };
    });

  const toggleChannel = (channel: Channel, on: boolean) =>
    setDraft((old) => ({
      ...old,
      channels: CHANNELS.filter((c) => (c === channel ? on : old.channels.includes(c))),
    }));

  return (
    <section>
      <p className="crumbs">
        <Link to="/templates">Templates</Link> / {templateKey}
      </p>
      <h1>{data?.current ? `Template ${templateKey}` : `New template ${templateKey}`}</h1>
      <ErrorText>{error}</ErrorText>
      <div className="editor">
        <form className="stack" onSubmit={(event) => void save(event)} aria-label="Template">
          <div className="field">
            <label htmlFor="t-name">Name</label>
            <input
              id="t-name"
              required
              value={draft.name}
              onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            />
          </div>
          <div className="row">
            <div className="field">
              <label htmlFor="t-category">Category</label>
              <input
                id="t-category"
                value={draft.category}
                onChange={(event) => setDraft({ ...draft, category: event.target.value })}
              />
            </div>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.critical}
                onChange={(event) => setDraft({ ...draft, critical: event.target.checked })}
              />
              Critical (ignores opt-outs)
            </label>
          </div>
          <fieldset>
            <legend>Channels</legend>
            {CHANNELS.map((channel) => (
              <label className="check" key={channel}>
                <input
                  type="checkbox"
                  checked={draft.channels.includes(channel)}
                  onChange={(event) => toggleChannel(channel, event.target.checked)}
                />
                {channel}
              </label>
            ))}
          </fieldset>
          <LocalePicker draft={draft} setDraft={setDraft} locale={locale} setLocale={setLocale} />
          {draft.channels.map((channel) => (
            <fieldset key={channel}>
              <legend>
                {channel}
                {locale ? ` (${locale})` : ''}
              </legend>
              {CHANNEL_FIELDS[channel].map((field) => {
                const id = `f-${channel}-${field.name}`;
                const value = (locale ? draft.locales[locale]?.[channel] : draft.texts[channel])?.[field.name] ?? '';
                const fallback = locale ? (draft.texts[channel]?.[field.name] ?? '') : '';
                const props = {
                  id,
                  value,
                  placeholder: locale ? fallback || '(default)' : undefined,
                  onChange: (event: { target: { value: string } }) => setField(channel, field.name, event.target.value),
                };
                return (
                  <div className="field" key={field.name}>
                    <label htmlFor={id}>
                      {channel} {field.name}
                      {field.json ? ' (JSON)' : ''}
                    </label>
                    {field.multiline ? <textarea rows={field.json ? 6 : 3} {...props} /> : <input {...props} />}
                  </div>
                );
              })}
            </fieldset>
          ))}
          <div className="field">
            <label htmlFor="t-schema">Data JSON schema</label>
            <textarea
              id="t-schema"
              rows={4}
              value={draft.schema}
              placeholder='{ "type": "object", "required": ["orderId"] }'
              onChange={(event) => setDraft({ ...draft, schema: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="t-rules">Rules: throttle, digest, steps (JSON)</label>
            <textarea
              id="t-rules"
              rows={4}
              value={draft.rules}
              placeholder='{ "throttle": { "limit": 3, "window": 3600 } }'
              onChange={(event) => setDraft({ ...draft, rules: event.target.value })}
            />
          </div>
          <RulesSummary draft={draft} />
          <button type="submit">Save new version</button>
          {message && (
            <p role="status" className="ok">
              {message}
            </p>
          )}
          <ErrorText>{saveError}</ErrorText>
        </form>
        <Preview draft={draft} templateKey={templateKey} saved={Boolean(data?.current)} />
      </div>
      {data && data.versions.length > 0 && (
        <Versions
          key={`${data.versions.length}-${data.current?.version}`}
          versions={data.versions}
          active={data.current?.version}
          onActivate={(v) => void activate(v)}
        />
      )}
    </section>
  );
}

function LocalePicker(props: {
  draft: Draft;
  setDraft: (draft: Draft) => void;
  locale: string;
  setLocale: (locale: string) => void;
}) {
  const { draft, setDraft, locale, setLocale } = props;
  const [added, setAdded] = useState('');
  const add = () => {
    if (!LOCALE.test(added) || draft.locales[added]) return;
    setDraft({ ...draft, locales: { ...draft.locales, [added]: {} } });
    setLocale(added);
    setAdded('');
  };
  const remove = () => {
    setDraft({
      ...draft,
      locales: Object.fromEntries(Object.entries(draft.locales).filter(([name]) => name !== locale)),
    });
    setLocale('');
  };
  return (
    <fieldset>
      <legend>Locale being edited</legend>
      <div className="row">
        <div className="field">
          <label htmlFor="t-locale">Locale</label>
          <select id="t-locale" value={locale} onChange={(event) => setLocale(event.target.value)}>
            <option value="">default</option>
            {Object.keys(draft.locales).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        {locale && (
          <button type="button" onClick={remove}>
            Remove locale {locale}
          </button>
        )}
        <div className="field">
          <label htmlFor="t-add-locale">Add a locale</label>
          <input id="t-add-locale" value={added} placeholder="fr" onChange={(event) => setAdded(event.target.value)} />
        </div>
        <button type="button" onClick={add} disabled={!LOCALE.test(added) || Boolean(draft.locales[added])}>
          Add locale
        </button>
      </div>
      {locale && <p className="hint">Empty fields fall back to the default content.</p>}
    </fieldset>
  );
}

/** Rendered by the API from the unsaved draft (POST /v1/admin/template-preview) a moment after each keystroke. */
function Preview({ draft, templateKey, saved }: { draft: Draft; templateKey: string; saved: boolean }) {
  const [dataText, setDataText] = useState('{}');
  const [locale, setLocale] = useState('');
  const [rendered, setRendered] = useState<ChannelContent | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      let body;
      try {
        body = { template: draftBody(draft), data: JSON.parse(dataText) as unknown, locale: locale || undefined };
      } catch (failure) {
        setError(errorText(failure));
        return;
      }
      api<ChannelContent>('/v1/admin/template-preview', { method: 'POST', body }).then(
        (content) => {
          if (!current) return;
          setRendered(content);
          setError(null);
        },
        (failure: unknown) => current && setError(errorText(failure)),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [draft, dataText, locale]);

  return (
    <aside className="preview" aria-label="Preview">
      <h2>Preview</h2>
      <div className="field">
        <label htmlFor="p-data">Data (JSON)</label>
        <textarea id="p-data" rows={4} value={dataText} onChange={(event) => setDataText(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="p-locale">Preview locale</label>
        <select id="p-locale" value={locale} onChange={(event) => setLocale(event.target.value)}>
          <option value="">default</option>
          {Object.keys(draft.locales).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <ErrorText>{error}</ErrorText>
      <div aria-live="polite" className="rendered">
        {rendered &&
          CHANNELS.filter((channel) => rendered[channel]).map((channel) => (
            <article key={channel} className="card" data-channel={channel}>
              <h3>{channel}</h3>
              <dl>
                {Object.entries(rendered[channel]!).map(([field, value]) => (
                  <Fact key={field} label={field} field={`${channel}.${field}`}>
                    {typeof value === 'string' ? value : <Json value={value} />}
                  </Fact>
                ))}
              </dl>
            </article>
          ))}
      </div>
      {saved && <SendTest templateKey={templateKey} dataText={dataText} locale={locale} />}
    </aside>
  );
}

const ADDRESS_KINDS = [
  { value: 'email', label: 'Email', type: 'email' },
  { value: 'phone', label: 'Phone (E.164)', type: 'tel' },
  { value: 'webhookUrl', label: 'Webhook URL', type: 'url' },
] as const;

/** Sends the active version to one address: POST /v1/notifications with the preview's data and locale. */
function SendTest({ templateKey, dataText, locale }: { templateKey: string; dataText: string; locale: string }) {
  const [kind, setKind] = useState<(typeof ADDRESS_KINDS)[number]['value']>('email');
  const [address, setAddress] = useState('');
  const [sent, setSent] = useState<Accepted | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSent(null);
    try {
      setSent(
        await api<Accepted>('/v1/notifications', {
          method: 'POST',
          body: {
            template: templateKey,
            to: { [kind]: address },
            data: JSON.parse(dataText) as unknown,
            ...(locale ? { locale } : {}),
          },
        }),
      );
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <form className="stack" onSubmit={(event) => void send(event)} aria-label="Send a test">
      <h2>Send a test</h2>
      <div className="row">
        <div className="field">
          <label htmlFor="s-kind">Address type</label>
          <select
            id="s-kind"
            value={kind}
            onChange={(event) => setKind(event.target.value as (typeof ADDRESS_KINDS)[number]['value'])}
          >
            {ADDRESS_KINDS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-address">Address</label>
          <input
            id="s-address"
            required
            type={ADDRESS_KINDS.find((option) => option.value === kind)!.type}
            value={address}
            onChange={(event) => setAddress(event.target.value)}
          />
        </div>
      </div>
      <button type="submit">Send test</button>
      <ErrorText>{error}</ErrorText>
      {sent && (
        <p role="status" className="ok">
          Accepted: <Link to={`/notifications/${sent.id}`}>notification {sent.id}</Link> (
          {sent.deliveries.map((delivery) => `${delivery.channel} ${delivery.status}`).join(', ')})
        </p>
      )}
    </form>
  );
}

function Versions(props: { versions: TemplateView[]; active?: number; onActivate: (version: number) => void }) {
  const { versions, active, onActivate } = props;
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0].version);
  const [to, setTo] = useState(versions[0].version);
  const older = versions.find((v) => v.version === from);
  const newer = versions.find((v) => v.version === to);
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <ol className="versions">
        {versions.map((version) => (
          <li key={version.version} data-version={version.version}>
            <span>
              <strong>v{version.version}</strong> <Time value={version.createdAt} />
              {version.version === active && <span className="status status-delivered">active</span>}
            </span>
            {version.version !== active && (
              <button type="button" onClick={() => onActivate(version.version)}>
                Activate v{version.version}
              </button>
            )}
          </li>
        ))}
      </ol>
      <h3>Diff</h3>
      <div className="row">
        <div className="field">
          <label htmlFor="d-from">From</label>
          <select id="d-from" value={from} onChange={(event) => setFrom(Number(event.target.value))}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="d-to">To</label>
          <select id="d-to" value={to} onChange={(event) => setTo(Number(event.target.value))}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
        </div>
      </div>
      {older && newer && (
        <pre className="diff" aria-label={`Changes from v${from} to v${to}`}>
          {diffLines(definitionText(older), definitionText(newer)).map((line, index) => (
            <span key={index} className={`diff-${line.kind}`}>
              {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
              {line.text}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
    </section>
  );
}
