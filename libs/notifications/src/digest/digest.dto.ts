import { IsOptional, IsString, Matches } from 'class-validator';
import { IsIntegerText } from '@herald/core';

/** `GET /v1/digests/{id}/events?limit&cursor` (API.md §2's list query). */
export class DigestEventsQuery {
  /** 1 to 200, default 50. */
  @IsOptional() @IsIntegerText(1, 200) limit?: number;

  /** The `nextCursor` of the previous page: the last position it listed. */
  // At most 9 digits: always inside PostgreSQL's integer, so a long one is a 422 and not the query's error.
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,9}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}
