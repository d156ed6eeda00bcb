/** What a group's work answers for each of its items, in order: a value, or the error that item alone gets. */
export type ItemResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for concurrent callers: items submitted while a group is running wait and go together in the
 * next group, so N requests in flight cost one round trip (one statement, one commit, one pipeline) instead of
 * N. A caller alone waits for nothing but the next turn of the event loop, when its group of one starts. A
 * group only takes items submitted before it started, so whatever it reads was read after each of its callers
 * arrived (a template saved before a send is the one the send sees).
 */
export class GroupRunner<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private running = 0;

  /**
   * @param work does one group's items; it answers per item (one bad item refuses only its caller), or throws,
   *   which every caller of the group gets.
   * @param maxInFlight groups running at once; more callers than that wait for the next group.
   * @param maxItems the most items of one group.
   */
  constructor(
    private readonly work: (items: T[]) => Promise<ItemResult<R>[]>,
    private readonly maxInFlight = 1,
    private readonly maxItems = 1000,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length === 1 && this.running < this.maxInFlight) setImmediate(() => this.pump());
    });
  }

  private pump(): void {
    while (this.running < this.maxInFlight && this.waiting.length) this.start();
  }

  private start(): void {
    const group = this.waiting.splice(0, this.maxItems);
    this.running++;
    const settle = (results: ItemResult<R>[]) =>
      group.forEach((waiting, i) => {
        const result = results[i] ?? { ok: false, error: new Error('the group answered no result for this item') };
        if (result.ok) waiting.resolve(result.value);
        else waiting.reject(result.error);
      });
    // Through a promise, so work that throws before its first await fails the group like one that rejects.
    void Promise.resolve()
      .then(() => this.work(group.map((waiting) => waiting.item)))
      .then(settle, (error: unknown) => group.forEach((waiting) => waiting.reject(error)))
      .finally(() => {
        this.running--;
        // Whoever came meanwhile goes now, as one group.
        this.pump();
      });
  }
}
