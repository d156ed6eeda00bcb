import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { DIGEST_STATUSES, DigestedSend, DigestEventView, DigestStatus, DigestView } from '@herald/notifications';

const DATE_TIME = { type: String, format: 'date-time' } as const;
const NULLABLE_STRING = { type: String, nullable: true } as const;
const FREE_OBJECT = { type: 'object', additionalProperties: true } as const;

/** The 202 answer of a send of a digest template to a stored recipient: it joined a digest (API.md §9). */
@ApiSchema({ name: 'DigestedSend' })
export class DigestedSendDto implements DigestedSend {
  @ApiProperty({ enum: ['digested'] }) status: 'digested';
  /** Read it with `GET /v1/digests/{digestId}`. */
  @ApiProperty({ type: String }) digestId: string;
  @ApiProperty(DATE_TIME) createdAt: string;
}

@ApiSchema({ name: 'Digest' })
export class DigestViewDto implements DigestView {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ type: String }) template: string;
  @ApiProperty({ type: String }) recipientId: string;
  /** The rendered key its sends share. */
  @ApiProperty({ type: String }) key: string;
  /** `open` accepts sends; `closing`: full, its close due; `closed`: its notification made (or `error`). */
  @ApiProperty({ enum: DIGEST_STATUSES, enumName: 'DigestStatus' }) status: DigestStatus;
  /** Sends joined so far. */
  @ApiProperty({ type: Number }) count: number;
  @ApiProperty({ type: Number }) maxEvents: number;
  @ApiProperty(DATE_TIME) closesAt: string;
  @ApiProperty(DATE_TIME) createdAt: string;
  @ApiProperty({ ...DATE_TIME, nullable: true }) closedAt: string | null;
  /** The notification it closed into; its `data` is `{ events, count }`. */
  @ApiProperty(NULLABLE_STRING) notificationId: string | null;
  /** Why a closed digest made no notification. */
  @ApiProperty(NULLABLE_STRING) error: string | null;
}

/** One send a digest took (`GET /v1/digests/{id}/events`). */
@ApiSchema({ name: 'DigestEvent' })
export class DigestEventDto implements DigestEventView {
  /** 1 for the send that opened the digest, then one more per send that joined; the page's cursor. */
  @ApiProperty({ type: Number }) position: number;
  /** The send's data; `{}` once its recipient was erased. */
  @ApiProperty(FREE_OBJECT) data: Record<string, unknown>;
  @ApiProperty(DATE_TIME) createdAt: string;
}
