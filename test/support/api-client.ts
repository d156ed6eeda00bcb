import { expect } from 'vitest';
import type { CreatedApiKey, Problem, Scope, ValidationProblem } from './api-types';
import { is } from './matchers';

/** What an API call answered. `T` is what the test expects the body to be; the default makes it say so. */
export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A thin fetch wrapper: JSON in, parsed JSON (or text) out, with the API key as
 * Bearer. The type argument states what the caller expects the body to be
 * (see api-types.ts); without one the body is `unknown`.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly key?: string,
  ) {}

  withKey(key: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, key);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T = unknown>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }

  put<T = unknown>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }

  delete<T = unknown>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}

/** A client with a new API key of these scopes, created by `admin`. */
export async function clientWithScopes(admin: ApiClient, ...scopes: Scope[]): Promise<ApiClient> {
  const created = await admin.post<CreatedApiKey>('/v1/admin/api-keys', { name: scopes.join('+'), scopes });
  expect(created.status).toBe(201);
  return admin.withKey(created.body.key);
}

/** Expects an RFC 9457 problem document with this status; the response's body is a `Problem` from then on. */
export function expectProblem<P extends Problem = Problem>(
  response: ApiResponse,
  status: number,
): asserts response is ApiResponse<P> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status,
    type: is.stringMatching(/^https:\/\//),
    title: is.any(String),
  });
}

/** The paths a validation problem names, in its order. */
export function problemPaths(problem: Problem): string[] {
  return (problem.errors ?? []).map((error) => error.path);
}

/**
 * `expectProblem`, for a response typed by the success the call hoped for: answers its body as the problem.
 * A 422's problem lists the fields it refuses.
 */
export function problemOf(response: ApiResponse<unknown>, status: 422): ValidationProblem;
export function problemOf(response: ApiResponse<unknown>, status: number): Problem;
export function problemOf(response: ApiResponse<unknown>, status: number): Problem {
  expectProblem(response, status);
  return response.body;
}
