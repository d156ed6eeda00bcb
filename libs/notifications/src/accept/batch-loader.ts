/**
 * Lookups of one kind asked for in the same turn of the event loop, answered
 * by one query: the items of a batch are planned side by side, so each asking
 * for its recipient costs one query for the whole batch, not one per item.
 * Each key is fetched once; `fetch` answers the keys it found.
 */
export function batchLoader<V>(
  fetch: (keys: string[]) => Promise<Map<string, V>>,
): (key: string) => Promise<V | undefined> {
  const answers = new Map<string, Promise<V | undefined>>();
  let pending: { key: string; resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const asked = pending;
    pending = [];
    fetch(asked.map((entry) => entry.key)).then(
      (found) => asked.forEach((entry) => entry.resolve(found.get(entry.key))),
      (error: unknown) => asked.forEach((entry) => entry.reject(error)),
    );
  };
  return (key) => {
    let answer = answers.get(key);
    if (!answer) {
      answer = new Promise<V | undefined>((resolve, reject) => {
        if (!pending.length) setImmediate(flush);
        pending.push({ key, resolve, reject });
      });
      answers.set(key, answer);
    }
    return answer;
  };
}
