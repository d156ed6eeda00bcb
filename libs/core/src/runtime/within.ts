/**
 * `promise`, or a rejection `no answer in <ms> ms` once `ms` have passed: for
 * calls to a store or server that may hang rather than fail (a queue store
 * waiting for a reconnect, an unreachable health target). The timer is cleared
 * when the promise settles, so none is left behind on a hot path.
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
