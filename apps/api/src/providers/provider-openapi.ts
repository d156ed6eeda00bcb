import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@herald/core';
import { ProblemDocumentDto } from '../dto/problem-document.dto';
import { ApiProblems } from '../http/openapi.decorators';

/** Names of the providers' signature schemes configureHttp declares. */
export const TWILIO_SIGNATURE_SCHEME = 'twilioSignature';
export const SENDGRID_SIGNATURE_SCHEME = 'sendgridSignature';

/** The empty TwiML answer Twilio's webhooks expect: nothing to reply, nothing to do. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * A provider's webhook: no API key but its signature scheme, 401 when the signature does not verify, and the
 * body refusals (400 malformed JSON, 413 over 1 MiB, 415 charset, 422 a signed body without its fields).
 */
export function ApiProviderCallback(scheme: string): MethodDecorator {
  return applyDecorators(
    ApiSecurity(scheme),
    ApiExtraModels(ProblemDocumentDto),
    ApiResponse({
      status: 401,
      description: "No signature, or one that is not the provider's for this request: nothing is applied",
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocumentDto) } } },
    }),
    ApiProblems(400, 413, 415, 422),
  );
}
