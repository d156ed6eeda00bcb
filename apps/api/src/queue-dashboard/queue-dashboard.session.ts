import type { FastifyReply, FastifyRequest } from 'fastify';
import { QUEUE_DASHBOARD_PATH } from './queue-dashboard.path';

/** The cookie a browser holds the admin key in for the dashboard; see docs/decisions.md, "Queue dashboard". */
export const SESSION_COOKIE = 'herald_queue_dashboard';
const SESSION_SECONDS = 3600;
const BEARER = /^Bearer\s+(\S+)$/i;

/** The key of an `Authorization: Bearer` header, or undefined. */
export function bearerKey(request: FastifyRequest): string | undefined {
  return BEARER.exec(request.headers.authorization ?? '')?.[1];
}

/** The API key of a dashboard request: its Bearer header, else its session cookie. */
export function dashboardKey(request: FastifyRequest): string | undefined {
  const bearer = bearerKey(request);
  if (bearer) return bearer;
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('=')) || undefined;
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), sent only under the dashboard's
 * path, and gone after an hour. Not Secure: Herald serves plain HTTP behind the operator's TLS.
 */
export function setSessionCookie(reply: FastifyReply, key: string): void {
  reply.header(
    'Set-Cookie',
    `${SESSION_COOKIE}=${encodeURIComponent(key)}; Path=${QUEUE_DASHBOARD_PATH}; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict`,
  );
}
