export const SCOPES = ['send', 'read', 'recipients', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** The authenticated caller of a request. */
export interface ApiCaller {
  apiKeyId: string;
  scopes: Scope[];
}
