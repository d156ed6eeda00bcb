import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { DIGEST_STATUSES, DigestedSend, DigestStatus, DigestView } from '@herald/notifications';

const DATE_TIME = { type: String, format: 'date-time' } as const;
const NULLABLE_STRING = { type: String, nullable: true } as const;

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
