/** The unsubscribe targets of one email (RFC 8058 and RFC 2369), as the email driver puts them in its headers. */
export interface UnsubscribeLink {
  /** `PUBLIC_URL/v1/unsubscribe/{token}`: one-click by POST, a confirmation page by GET. */
  url: string;
  /** `mailto:UNSUBSCRIBE_MAILTO?subject=unsubscribe%20{token}`, when UNSUBSCRIBE_MAILTO is set. */
  mailto?: string;
}
