/** One dispatched Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
  /** Date.now() when its blank line arrived. */
  receivedAt: number;
}

/**
 * A Server-Sent Events client on fetch: reads the body as a stream and parses
 * `event:`/`data:`/`id:` lines and `:` comments as the HTML spec says, keeping
 * everything it receives. Unlike EventSource it can send any header, shows the
 * status of a refused connection, and never reconnects by itself.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  private readonly changed = new Set<() => void>();
  private reading: Promise<void> = Promise.resolve();

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {}

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    const client = new SseClient(response, abort);
    if (response.ok && response.body) client.reading = client.read(response.body);
    else client.ended = true;
    return client;
  }

  get status(): number {
    return this.response.status;
  }

  /** The first event (already received or still to come) that matches, or a timeout error. */
  next(match: (event: SseEvent) => boolean = () => true, timeoutMs = 5_000): Promise<SseEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(match);
        if (found || this.ended) {
          clearTimeout(timer);
          this.changed.delete(check);
          if (found) resolve(found);
          else reject(new Error(`the stream ended without the event; got ${JSON.stringify(this.events)}`));
        }
      };
      const timer = setTimeout(() => {
        this.changed.delete(check);
        reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      this.changed.add(check);
      check();
    });
  }

  /** Resolves when the server ends the stream. */
  async waitForEnd(timeoutMs = 5_000): Promise<void> {
    await Promise.race([
      this.reading,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`the stream did not end within ${timeoutMs} ms`)), timeoutMs),
      ),
    ]);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reading;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let event = '';
    let data: string[] = [];
    let id: string | undefined;
    const line = (text: string) => {
      if (text === '') {
        if (data.length)
          this.events.push({ event: event || 'message', data: data.join('\n'), id, receivedAt: Date.now() });
        event = '';
        data = [];
        id = undefined;
        return;
      }
      if (text.startsWith(':')) {
        this.comments.push(text.slice(1).trim());
        return;
      }
      const colon = text.indexOf(':');
      const field = colon < 0 ? text : text.slice(0, colon);
      const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n')) >= 0) {
          line(buffer.slice(0, end).replace(/\r$/, ''));
          buffer = buffer.slice(end + 1);
        }
        this.notify();
      }
    } catch {
      // aborted by close(), or the connection dropped: either way the stream is over
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  private notify(): void {
    for (const check of [...this.changed]) check();
  }
}
