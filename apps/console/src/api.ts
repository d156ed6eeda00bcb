// The console is a plain client of Herald's HTTP API: every call carries the key the user signed in with, kept in
// sessionStorage (this tab only, gone when it closes).

/** An RFC 9457 problem document, as every Herald error is. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }

  /** The detail and every field error, for showing to the user. */
  describe(): string {
    const fields = (this.problem.errors ?? []).map((error) => `${error.path}: ${error.message}`);
    return [this.message, ...fields].join('\n');
  }
}

const KEY_ITEM = 'herald.apiKey';

export const storedKey = {
  get: (): string | null => sessionStorage.getItem(KEY_ITEM),
  set: (key: string): void => sessionStorage.setItem(KEY_ITEM, key),
  clear: (): void => sessionStorage.removeItem(KEY_ITEM),
};

/** Called when the API refuses the stored key (revoked meanwhile): the app signs out. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Another key than the stored one (signing in). */
  key?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const key = options.key ?? storedKey.get();
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const url = query.size ? `${path}?${query.toString()}` : path;
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const problem = (parsed ?? { title: response.statusText }) as Problem;
    if (response.status === 401 && options.key === undefined) onUnauthorized();
    throw new ApiError(response.status, problem);
  }
  return parsed as T;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}
