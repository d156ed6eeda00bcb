import { Injectable } from '@nestjs/common';
import type { ApiCaller } from '@herald/auth';
import { FieldError, uuidv7 } from '@herald/core';
import { MAX_DIGEST_EVENTS, ResolvedTemplate, TemplateNotFoundError, TemplateRenderer } from '@herald/templates';
import type { AcceptLookups } from '../accept/notification-planner';
import type { SendNotificationDto } from '../dto/send-notification.dto';
import type { Page } from '../history/history.types';
import { NotificationRejectedError } from '../notifications.errors';
import { DigestNotFoundError } from './digest.errors';
import { DigestQueue } from './digest-queue';
import { DigestRepository } from './digest.repository';
import type { DigestedSend, DigestEventView, DigestView } from './digest.types';

/** The longest rendered digest key: it is part of a unique index. */
const MAX_KEY_LENGTH = 500;
/** The close job runs this long after `closesAt`, so a clock a little apart from PostgreSQL's never finds it early. */
const CLOSE_MARGIN_MS = 250;

/**
 * The send side of digests (API.md §9): a send of a template with `digest` to a stored recipient joins the open
 * digest of its rendered key instead of becoming a notification. DigestCloseService makes the notification.
 */
@Injectable()
export class DigestService {
  constructor(
    private readonly repository: DigestRepository,
    private readonly queue: DigestQueue,
    private readonly renderer: TemplateRenderer,
  ) {}

  /**
   * The send joined to its digest, or undefined when it is not a digest's: no template, one without `digest`,
   * or no stored recipient (a send to inline addresses only goes at once, as do the planner's refusals of it).
   */
  async joinIfDigest(
    dto: SendNotificationDto,
    apiKeyId: string,
    idempotencyKey: string | undefined,
    lookups: AcceptLookups,
  ): Promise<DigestedSend | undefined> {
    if (!dto.template || dto.content || !dto.to.recipientId) return undefined;
    const template = await lookups.template(dto.template).catch((error: unknown) => {
      if (error instanceof TemplateNotFoundError) return undefined;
      throw error;
    });
    const rule = template?.definition.digest;
    if (!template || !rule || !(await lookups.recipient(dto.to.recipientId))) return undefined;
    const data = dto.data ?? {};
    const key = this.renderKey(dto, template, data);
    const createdAt = new Date();
    const joined = await this.repository.join({
      id: uuidv7(),
      templateKey: template.key,
      recipientId: dto.to.recipientId,
      key,
      apiKeyId,
      priority: dto.priority ?? 'normal',
      windowSeconds: rule.window,
      maxEvents: rule.maxEvents ?? MAX_DIGEST_EVENTS,
      data,
      idempotency: idempotencyKey ? { apiKeyId, key: idempotencyKey } : undefined,
      createdAt,
    });
    // Erased since it was looked up: refused as a send to an unknown recipient is.
    if (!joined) {
      throw new NotificationRejectedError([
        { path: 'to.recipientId', message: `recipient "${dto.to.recipientId}" does not exist` },
      ]);
    }
    // After the commit; a close lost here is the reconciler's (a digest past its time with no notification).
    if (joined.full) await this.queue.scheduleClose(joined.id, 0, 'full');
    else if (joined.opened) {
      await this.queue.scheduleClose(joined.id, joined.closesAt.getTime() - Date.now() + CLOSE_MARGIN_MS, 'window');
    }
    return { status: 'digested', digestId: joined.id, createdAt: createdAt.toISOString() };
  }

  /** Admin and `read` keys see every digest; a `send` key those it sent to. */
  async get(id: string, caller: ApiCaller): Promise<DigestView> {
    const digest = await this.repository.find(id, this.onlyKeyOf(caller));
    if (!digest) throw new DigestNotFoundError(id);
    return digest;
  }

  /**
   * The digest's sends in the order they joined (not newest first, as other lists: it is the order its
   * notification lists them in). `cursor` is the `nextCursor` of the page before: the last position it listed.
   * Who sees them is who sees the digest.
   */
  async events(id: string, caller: ApiCaller, limit: number, cursor?: string): Promise<Page<DigestEventView>> {
    const rows = await this.repository.eventPage(id, this.onlyKeyOf(caller), cursor ? Number(cursor) : 0, limit + 1);
    if (!rows) throw new DigestNotFoundError(id);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].position) : null };
  }

  /** The key whose sends bound what the caller sees: none for admin and `read` keys. */
  private onlyKeyOf(caller: ApiCaller): string | null {
    return caller.scopes.includes('admin') || caller.scopes.includes('read') ? null : caller.apiKeyId;
  }

  /**
   * The send's digest key, rendered from its data once the data passed the template's schema. What a digested
   * send may not carry is refused first: its notification is made later, from the template, for the stored
   * recipient, so it takes no `channels`, `locale`, inline addresses nor time of its own.
   */
  private renderKey(dto: SendNotificationDto, template: ResolvedTemplate, data: Record<string, unknown>): string {
    const refused = (['channels', 'sendAt', 'sendAtLocal', 'locale'] as const).filter(
      (field) => dto[field] !== undefined,
    );
    const inline = (['email', 'phone', 'webhookUrl', 'pushSubscriptions'] as const).filter(
      (field) => dto.to[field] !== undefined,
    );
    const errors: FieldError[] = [
      ...refused.map((field) => ({ path: field, message: `a send of digest template "${template.key}" takes none` })),
      ...inline.map((field) => ({
        path: `to.${field}`,
        message: `a send of digest template "${template.key}" goes to the stored recipient only`,
      })),
    ];
    if (errors.length) throw new NotificationRejectedError(errors);
    const { digest, schema } = template.definition;
    const key = this.renderer.renderText(digest?.key ?? '', data, schema, 'template.digest.key');
    if (key.length > MAX_KEY_LENGTH) {
      throw new NotificationRejectedError([
        { path: 'data', message: `the digest key renders to more than ${MAX_KEY_LENGTH} characters` },
      ]);
    }
    return key;
  }
}
