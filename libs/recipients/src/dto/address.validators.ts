import { applyDecorators } from '@nestjs/common';
import { IsEmail, IsUrl, Matches, MaxLength } from 'class-validator';

/** The address checks shared by stored recipients and inline `to` addresses. */
export const IsEmailAddress = () =>
  applyDecorators(IsEmail({}, { message: '$property must be an email address' }), MaxLength(254));

export const E164 = /^\+[1-9]\d{6,14}$/;
export const IsE164Phone = () =>
  Matches(E164, { message: '$property must be an E.164 phone number such as +14155550123' });

export const IsHttpUrl = () =>
  applyDecorators(
    IsUrl(
      { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true },
      { message: '$property must be an http(s) URL' },
    ),
    MaxLength(2048),
  );
