export const SCOPES = ['send', 'read', 'recipients', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** The authenticated caller of a request. */
export interface ApiCaller {
  apiKeyId: string;
  scopes: Scope[];
}

/** Whose requests count together against RATE_LIMIT_PER_MINUTE: one API key's, or one recipient's inbox token's. */
export type RateLimitBudget = { apiKeyId: string } | { recipientId: string };

/** Where the RateLimit headers of an admitted request go: a Fastify reply, or anything with header(). */
export interface HeaderSink {
  header(name: string, value: string): unknown;
}
