/**
 * What Herald gives every render besides the notification's `data` (API.md §6.1). A data field of the same name
 * is shadowed: the value is Herald's to decide.
 */
export interface HeraldVariables {
  /** The email's one-click unsubscribe link; empty when it has none (critical, uncategorised, no stored recipient). */
  unsubscribeUrl: string;
}

/** The variables of a render that has no link: previews, inline content, critical templates. */
export const NO_HERALD_VARIABLES: HeraldVariables = { unsubscribeUrl: '' };

const mentions = new WeakMap<object, boolean>();

/**
 * Whether a template's content (channels and locales) mentions `unsubscribeUrl` anywhere. When it does not, its
 * renders for different recipients with the same data are equal and can be shared; a mere mention in the text
 * only costs that sharing. Memoised per definition object, which a batch resolves once per template.
 */
export function mentionsUnsubscribeUrl(definition: { channels: unknown; locales?: unknown }): boolean {
  let found = mentions.get(definition);
  if (found === undefined) {
    found = JSON.stringify([definition.channels, definition.locales ?? {}]).includes('unsubscribeUrl');
    mentions.set(definition, found);
  }
  return found;
}
