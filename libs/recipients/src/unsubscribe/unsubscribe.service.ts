import { randomBytes } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { normalizePreferences } from '../preferences/opted-out';
import { RecipientRepository } from '../recipient.repository';
import { UnsubscribeLinkNotFoundError } from '../recipients.errors';
import { withEmailOptOut } from './email-opt-out';
import { InstallationSecretRepository } from './installation-secret.repository';
import { signUnsubscribeToken, UnsubscribeClaim, verifyUnsubscribeToken } from './unsubscribe-token';
import type { UnsubscribeLink } from './unsubscribe.types';

/** Its row in `installation_secrets`. */
const SECRET_NAME = 'unsubscribe';

/**
 * One-click unsubscribe (API.md §6.1, RFC 8058): the signed link an email of a categorised, non-critical template
 * carries for a stored recipient, and what following it does: opting that recipient out of that category for
 * email, in the preferences accept already honours.
 */
@Injectable()
export class UnsubscribeService implements OnModuleInit {
  private secretLoaded?: Promise<string>;

  constructor(
    private readonly config: HeraldConfig,
    private readonly secrets: InstallationSecretRepository,
    private readonly recipients: RecipientRepository,
  ) {}

  /**
   * Loads (on a new installation: creates) the secret at start, so no request ever writes it: a refused request
   * changes nothing, and the first send does not wait for it.
   */
  async onModuleInit(): Promise<void> {
    await this.secret();
  }

  /** The link for this recipient (as stored now) and category. */
  async linkFor(recipient: { id: string; createdAt: Date }, category: string): Promise<UnsubscribeLink> {
    const token = signUnsubscribeToken(await this.secret(), {
      recipientId: recipient.id,
      category,
      recipientCreatedAt: recipient.createdAt.getTime(),
    });
    const { mailto } = this.config.unsubscribe;
    return {
      url: `${this.config.http.publicUrl}/v1/unsubscribe/${token}`,
      ...(mailto && { mailto: `mailto:${mailto}?subject=unsubscribe%20${token}` }),
    };
  }

  /** What the token would unsubscribe from, for the confirmation page; UnsubscribeLinkNotFoundError if nothing. */
  async describe(token: string): Promise<{ category: string }> {
    const claim = await this.claimOf(token);
    const found = await this.recipients.findById(claim.recipientId);
    if (!found || found.createdAt.getTime() !== claim.recipientCreatedAt) throw new UnsubscribeLinkNotFoundError();
    return { category: claim.category };
  }

  /** Opts the token's recipient out of its category for email; once or many times, the same. */
  async unsubscribe(token: string): Promise<{ category: string }> {
    const claim = await this.claimOf(token);
    const found = await this.recipients.updatePreferences(claim.recipientId, ({ preferences, createdAt }) => {
      if (createdAt.getTime() !== claim.recipientCreatedAt) throw new UnsubscribeLinkNotFoundError();
      return withEmailOptOut(normalizePreferences(preferences), claim.category);
    });
    if (!found) throw new UnsubscribeLinkNotFoundError();
    return { category: claim.category };
  }

  private async claimOf(token: string): Promise<UnsubscribeClaim> {
    const claim = verifyUnsubscribeToken(await this.secret(), token);
    if (!claim) throw new UnsubscribeLinkNotFoundError();
    return claim;
  }

  /** UNSUBSCRIBE_SECRET, else the installation's stored one; a failed read is tried again by the next call. */
  private secret(): Promise<string> {
    const configured = this.config.unsubscribe.secret;
    if (configured) return Promise.resolve(configured);
    this.secretLoaded ??= this.secrets
      .findOrCreate(SECRET_NAME, randomBytes(32).toString('base64url'))
      .catch((error: unknown) => {
        this.secretLoaded = undefined;
        throw error;
      });
    return this.secretLoaded;
  }
}
