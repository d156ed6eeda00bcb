import { createPublicKey } from 'node:crypto';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { PUSH_SUBSCRIPTION_TYPES, PushSubscriptionData, PushSubscriptionType } from '@herald/core';
import { RecipientIdParam } from './recipient.dto';

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function decodeBase64Url(value: unknown): Buffer | undefined {
  return typeof value === 'string' && BASE64URL.test(value) ? Buffer.from(value, 'base64url') : undefined;
}

/** The browser's ECDH public key: an uncompressed P-256 point (65 bytes, 0x04 first) that lies on the curve. */
@ValidatorConstraint({ name: 'p256dh' })
class P256PublicKey implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    const key = decodeBase64Url(value);
    if (!key || key.length !== 65 || key[0] !== 0x04) return false;
    try {
      // Importing checks the point is on the curve: a key the push service would reject fails here, at 422.
      createPublicKey({
        key: {
          kty: 'EC',
          crv: 'P-256',
          x: key.subarray(1, 33).toString('base64url'),
          y: key.subarray(33).toString('base64url'),
        },
        format: 'jwk',
      });
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return '$property must be the base64url of a 65-byte uncompressed P-256 public key';
  }
}

@ValidatorConstraint({ name: 'authSecret' })
class AuthSecret implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return decodeBase64Url(value)?.length === 16;
  }

  defaultMessage(): string {
    return '$property must be the base64url of a 16-byte auth secret';
  }
}

/** A field of one subscription type given on the other: refused rather than silently dropped. */
@ValidatorConstraint({ name: 'pushSubscriptionType' })
class OnlyForType implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    const type = (args.object as { type?: unknown }).type;
    // An unknown type is reported on `type` alone.
    return type === args.constraints[0] || !PUSH_SUBSCRIPTION_TYPES.includes(type as PushSubscriptionType);
  }

  defaultMessage(args: ValidationArguments): string {
    return `$property is only for ${args.constraints[0]} subscriptions`;
  }
}

export class PushSubscriptionKeysDto {
  @IsString() @Validate(P256PublicKey) p256dh!: string;
  @IsString() @Validate(AuthSecret) auth!: string;
}

/**
 * Body of `POST /v1/recipients/{id}/push-subscriptions`, and each item of a
 * notification's inline `to.pushSubscriptions`:
 * `{ type: 'webpush', endpoint, keys: { p256dh, auth } }` or `{ type: 'fcm', token }`.
 */
export class PushSubscriptionDto {
  @IsIn(PUSH_SUBSCRIPTION_TYPES, { message: 'type must be webpush or fcm' })
  type!: PushSubscriptionType;

  // Push services are HTTPS-only (RFC 8030 §8); the endpoint is a capability URL the browser handed out.
  @ValidateIf((o: PushSubscriptionDto) => o.type === 'webpush' || o.endpoint !== undefined)
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_tld: false, allow_underscores: true },
    { message: '$property must be an https URL' },
  )
  @MaxLength(2048)
  @Validate(OnlyForType, ['webpush'])
  endpoint?: string;

  @ValidateIf((o: PushSubscriptionDto) => o.type === 'webpush' || o.keys !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => PushSubscriptionKeysDto)
  @Validate(OnlyForType, ['webpush'])
  keys?: PushSubscriptionKeysDto;

  // Part of what `PushSubscription.toJSON()` gives (usually null), so a browser's subscription can be posted as it is.
  // Not stored: a push service reports an expired subscription as gone, which removes it.
  @IsOptional() @IsInt() @Min(0) expirationTime?: number | null;

  // FCM registration tokens are opaque (about 160 characters today); printable ASCII, bounded, is all that can be
  // checked here. 1024 keeps (recipient_id, token) within PostgreSQL's btree row limit of its unique index.
  @ValidateIf((o: PushSubscriptionDto) => o.type === 'fcm' || o.token !== undefined)
  @IsString()
  @Matches(/^[\x21-\x7e]{1,1024}$/, { message: '$property must be an FCM registration token' })
  @Validate(OnlyForType, ['fcm'])
  token?: string;
}

/** `DELETE /v1/recipients/{id}/push-subscriptions/{subId}` path. */
export class PushSubscriptionParam extends RecipientIdParam {
  // Any text: an id that names no subscription, well-formed or not, is the same 404.
  @IsString() @MaxLength(64) subId!: string;
}

/** The validated DTO as plain data, with only the fields of its type. */
export function pushSubscriptionData(dto: PushSubscriptionDto): PushSubscriptionData {
  return dto.type === 'webpush'
    ? { type: 'webpush', endpoint: dto.endpoint!, keys: { p256dh: dto.keys!.p256dh, auth: dto.keys!.auth } }
    : { type: 'fcm', token: dto.token! };
}
