import { IsOptional } from 'class-validator';
import { IsIntegerText } from '@herald/core';

/** `GET /v1/admin/stats/deliveries-per-minute` query. */
export class DeliveryTimelineQuery {
  /** How many minutes back, the current one included: 1 to 1440 (a day), default 60. */
  @IsOptional() @IsIntegerText(1, 1440) minutes?: number;
}
