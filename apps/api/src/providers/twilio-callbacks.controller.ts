import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@herald/core';
import { CallbackFields, ProviderCallbacksService } from '@herald/notifications';
import { Public } from '../auth/scopes.decorator';
import { formOf } from './form-body';
import { ApiProviderCallback, EMPTY_TWIML, TWILIO_SIGNATURE_SCHEME } from './provider-openapi';
import { TwilioSignatureGuard } from './twilio-signature.guard';

const FORM = 'application/x-www-form-urlencoded';
const TWIML = { 'text/xml': { schema: { type: 'string', example: EMPTY_TWIML } } };

/**
 * The signed form's fields; 422 naming those a Twilio callback always has and this one lacks, and any holding
 * NUL (PostgreSQL's text refuses it; the validation pipe, which checks JSON bodies for it, does not see forms).
 */
function fieldsOf(body: unknown, required: string[]): CallbackFields {
  const fields = Object.fromEntries(formOf(body));
  const errors = [
    ...required.filter((name) => !fields[name]).map((name) => ({ path: name, message: `${name} is required` })),
    ...Object.entries(fields)
      .filter(([, value]) => value.includes('\u0000'))
      .map(([name]) => ({ path: name, message: 'must not contain the NUL character (\\u0000)' })),
  ];
  if (errors.length) throw new ValidationError(errors);
  return fields;
}

/** Twilio's webhooks: message status callbacks and incoming messages, verified by X-Twilio-Signature. */
@ApiTags('providers')
@Public()
@UseGuards(TwilioSignatureGuard)
@Controller('v1/providers/twilio')
export class TwilioCallbacksController {
  constructor(private readonly callbacks: ProviderCallbacksService) {}

  /**
   * A message's status (the URL Herald gives Twilio as `StatusCallback`): `delivered` makes the SMS delivery
   * `delivered`, `undelivered` and `failed` make it `failed` with Twilio's `ErrorCode`; other statuses and
   * messages Herald did not send change nothing (200).
   */
  @Post('status')
  @HttpCode(200)
  @Header('content-type', 'text/xml')
  @ApiConsumes(FORM)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['MessageSid', 'MessageStatus'],
      properties: {
        MessageSid: { type: 'string' },
        MessageStatus: { type: 'string', example: 'delivered' },
        ErrorCode: { type: 'string' },
        To: { type: 'string' },
      },
    },
  })
  @ApiOkResponse({ description: 'Applied, or ignored (unknown message)', content: TWIML })
  @ApiProviderCallback(TWILIO_SIGNATURE_SCHEME)
  async status(@Body() body: unknown): Promise<string> {
    await this.callbacks.twilioStatus(fieldsOf(body, ['MessageSid', 'MessageStatus']));
    return EMPTY_TWIML;
  }

  /**
   * An incoming message (the number's "A message comes in" webhook): a body of STOP, STOPALL, UNSUBSCRIBE,
   * CANCEL, END or QUIT suppresses `From` for SMS; START or UNSTOP lifts it. Answers empty TwiML (no reply).
   */
  @Post('inbound')
  @HttpCode(200)
  @Header('content-type', 'text/xml')
  @ApiConsumes(FORM)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['From'],
      properties: { From: { type: 'string' }, To: { type: 'string' }, Body: { type: 'string', example: 'STOP' } },
    },
  })
  @ApiOkResponse({ description: 'Applied, or nothing to do', content: TWIML })
  @ApiProviderCallback(TWILIO_SIGNATURE_SCHEME)
  async inbound(@Body() body: unknown): Promise<string> {
    await this.callbacks.twilioInbound(fieldsOf(body, ['From']));
    return EMPTY_TWIML;
  }
}
