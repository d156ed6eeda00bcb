import { useEffect, useState } from 'react';
import { ApiError, errorText } from '../api';
import type { Page } from '../types';

export interface CursorList<T> {
  /** Every page loaded so far; null before the first answer. */
  items: T[] | null;
  next: string | null;
  error: string | null;
  /** The route answered 404: the list is not there (for this item, or on this API at all). */
  missing: boolean;
  more: () => void;
}

/** A cursor-paged list (API.md §2) loaded from its first page whenever `deps` change, then page by page on demand. */
export function useCursorList<T>(load: (cursor?: string) => Promise<Page<T>>, deps: unknown[]): CursorList<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [cursor, setCursor] = useState<string | undefined>();
  const [round, setRound] = useState(0);

  // A change of what is listed starts again from the first page.
  useEffect(() => {
    setCursor(undefined);
    setRound((value) => value + 1);
  }, deps);

  useEffect(() => {
    if (round === 0) return;
    let current = true;
    load(cursor).then(
      (page) => {
        if (!current) return;
        setItems((old) => (cursor && old ? [...old, ...page.items] : page.items));
        setNext(page.nextCursor);
        setError(null);
        setMissing(false);
      },
      (failure: unknown) => {
        if (!current) return;
        if (failure instanceof ApiError && failure.status === 404) setMissing(true);
        else setError(errorText(failure));
      },
    );
    return () => {
      current = false;
    };
    // `load` is a new closure every render; the list changes with `deps` (which bump `round`) and `cursor`.
  }, [round, cursor]);

  return { items, next, error, missing, more: () => next && setCursor(next) };
}
