import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /orders/:id/shipped`: who ordered, and the parcel's tracking code. */
export class ShipOrderDto {
  @IsEmail() email!: string;
  @IsOptional() @IsString() @MaxLength(100) trackingCode?: string;
}
