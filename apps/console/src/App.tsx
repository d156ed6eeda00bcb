import { useEffect, useState } from 'react';
import { api, storedKey, whenUnauthorized } from './api';
import { Link, match, navigate, useLocation } from './router';
import { allows, SessionContext } from './session';
import type { Caller, Scope } from './types';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { BroadcastPage } from './pages/BroadcastPage';
import { DigestPage } from './pages/DigestPage';
import { HistoryPage } from './pages/HistoryPage';
import { NotificationPage } from './pages/NotificationPage';
import { OverviewPage } from './pages/OverviewPage';
import { RecipientPage, RecipientsPage } from './pages/RecipientsPage';
import { SignInPage } from './pages/SignInPage';
import { TemplateEditorPage } from './pages/TemplateEditorPage';
import { TemplatesPage } from './pages/TemplatesPage';
import { TopicPage, TopicsPage } from './pages/TopicsPage';

interface Section {
  to: string;
  label: string;
  /** Shown to a key with one of these scopes. */
  scopes: Scope[];
}

const SECTIONS: Section[] = [
  { to: '/', label: 'Overview', scopes: ['admin'] },
  { to: '/templates', label: 'Templates', scopes: ['admin'] },
  { to: '/history', label: 'History', scopes: ['admin', 'read', 'send'] },
  { to: '/recipients', label: 'Recipients', scopes: ['recipients', 'read'] },
  { to: '/topics', label: 'Topics', scopes: ['recipients', 'read'] },
  { to: '/api-keys', label: 'API keys', scopes: ['admin'] },
];

function Page({ caller }: { caller: Caller }) {
  const { path } = useLocation();
  const sections = SECTIONS.filter((section) => allows(caller, ...section.scopes));
  const section = SECTIONS.find((candidate) =>
    candidate.to === '/' ? path === '/' : path === candidate.to || path.startsWith(`${candidate.to}/`),
  );
  // A page the key may not use is not offered: its first allowed section instead.
  useEffect(() => {
    if (section && !allows(caller, ...section.scopes) && sections.length) navigate(sections[0].to, true);
  }, [caller, section, sections]);
  if (section && !allows(caller, ...section.scopes)) {
    return sections.length ? null : <p>This key has no scope the console can use.</p>;
  }

  let params: Record<string, string> | null;
  if (path === '/') return <OverviewPage />;
  if (path === '/templates') return <TemplatesPage />;
  if ((params = match('/templates/:key', path))) return <TemplateEditorPage templateKey={params.key} />;
  if (path === '/history') return <HistoryPage />;
  if ((params = match('/notifications/:id', path))) return <NotificationPage id={params.id} />;
  if ((params = match('/broadcasts/:id', path))) return <BroadcastPage id={params.id} />;
  if ((params = match('/digests/:id', path))) return <DigestPage id={params.id} />;
  if (path === '/recipients') return <RecipientsPage />;
  if ((params = match('/recipients/:id', path))) return <RecipientPage id={params.id} />;
  if (path === '/topics') return <TopicsPage />;
  if ((params = match('/topics/:key', path))) return <TopicPage topicKey={params.key} />;
  if (path === '/api-keys') return <ApiKeysPage />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No console page at this address. <Link to="/">Back to the start</Link>
      </p>
    </section>
  );
}

function Shell({ caller, signOut }: { caller: Caller; signOut: () => void }) {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const sections = SECTIONS.filter((section) => allows(caller, ...section.scopes));
  const current = (to: string) => (to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`));
  return (
    <SessionContext.Provider value={{ caller, signOut }}>
      <header className="top">
        <Link to="/" className="brand">
          Herald
        </Link>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" className={menuOpen ? 'open' : undefined}>
          <ul>
            {sections.map((section) => (
              <li key={section.to}>
                <Link to={section.to} aria-current={current(section.to) ? 'page' : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
          <p className="who">
            <span title={caller.id}>{caller.name}</span> <span className="scopes">({caller.scopes.join(', ')})</span>
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </p>
        </nav>
      </header>
      <main>
        <Page caller={caller} />
      </main>
    </SessionContext.Provider>
  );
}

export function App() {
  const [caller, setCaller] = useState<Caller | null>(null);
  const [checking, setChecking] = useState(storedKey.get() !== null);

  const signOut = () => {
    storedKey.clear();
    setCaller(null);
  };
  whenUnauthorized(signOut);

  // A reload keeps the tab's key: ask the API again who it is (it may have been revoked meanwhile).
  useEffect(() => {
    if (!storedKey.get()) return;
    api<Caller>('/v1/me').then(
      (me) => {
        setCaller(me);
        setChecking(false);
      },
      () => {
        storedKey.clear();
        setChecking(false);
      },
    );
  }, []);

  if (checking) return <p className="loading">Loading…</p>;
  if (!caller) {
    return (
      <main>
        <SignInPage
          onSignedIn={(key, me) => {
            storedKey.set(key);
            setCaller(me);
          }}
        />
      </main>
    );
  }
  return <Shell caller={caller} signOut={signOut} />;
}
