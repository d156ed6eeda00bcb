import { ReactNode, useEffect, useState } from 'react';
import { errorText } from '../api';

/** A load that the page can redo: its data, its error, whether it runs. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
} {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        setError(errorText(failure));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
    // The page names what the load depends on; `load` itself is a new closure every render.
  }, [...deps, round]);
  return { data, error, loading, reload: () => setRound((value) => value + 1) };
}

export function ErrorText({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="error">
      {children}
    </p>
  );
}

export function Status({ value }: { value: string }) {
  return <span className={`status status-${value}`}>{value.replace('_', ' ')}</span>;
}

export function Time({ value }: { value: string | null }) {
  if (!value) return <span>—</span>;
  const date = new Date(value);
  return (
    <time dateTime={value} title={value}>
      {date.toLocaleString()}
    </time>
  );
}

/** A table that scrolls on its own on a narrow screen, so the page never does. */
export function TableWrap({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table>{children}</table>
    </div>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** One label and value of a `<dl className="facts">`; `field` names the value for the tests and scripts. */
export function Fact({
  label,
  field,
  className,
  children,
}: {
  label: ReactNode;
  field?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-field={field} className={className}>
        {children}
      </dd>
    </div>
  );
}

/** A detail page's heading with the button that loads it again, off while a load runs. */
export function TitleRow({ title, onRefresh, busy }: { title: ReactNode; onRefresh: () => void; busy?: boolean }) {
  return (
    <div className="title-row">
      <h1>{title}</h1>
      <button type="button" onClick={onRefresh} disabled={busy}>
        Refresh
      </button>
    </div>
  );
}
