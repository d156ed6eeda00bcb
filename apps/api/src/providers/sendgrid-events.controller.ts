import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@herald/core';
import { ProviderCallbacksService } from '@herald/notifications';
import { Public } from '../auth/scopes.decorator';
import { ApiProviderCallback, SENDGRID_SIGNATURE_SCHEME } from './provider-openapi';
import { SendgridSignatureGuard } from './sendgrid-signature.guard';

export class SendgridEventsReceivedDto {
  /** How many events the batch held (each applied, or ignored when it concerns nothing of Herald's). */
  @ApiProperty() received!: number;
}

/** SendGrid's signed Event Webhook (docs/decisions.md says why SendGrid). */
@ApiTags('providers')
@Public()
@Controller('v1/providers/sendgrid')
export class SendgridEventsController {
  constructor(private readonly callbacks: ProviderCallbacksService) {}

  /**
   * A batch of events: `delivered` makes the email delivery `delivered`; a `bounce` makes it `failed` and
   * suppresses the address (`hard_bounce`), unless SendGrid calls it `blocked`; `dropped` fails it (and
   * suppresses when dropped for a bounced or complaining address); `spamreport` suppresses it (`complaint`).
   * Events are matched to deliveries by `smtp-id`, the Message-ID Herald gave the message.
   */
  @Post('events')
  @HttpCode(200)
  @UseGuards(SendgridSignatureGuard)
  @ApiBody({ schema: { type: 'array', items: { type: 'object', additionalProperties: true } } })
  @ApiOkResponse({ type: SendgridEventsReceivedDto })
  @ApiProviderCallback(SENDGRID_SIGNATURE_SCHEME)
  async events(@Body() body: unknown): Promise<SendgridEventsReceivedDto> {
    if (!Array.isArray(body)) throw new ValidationError([{ path: '', message: 'must be a JSON array of events' }]);
    await this.callbacks.sendgridEvents(body);
    return { received: body.length };
  }
}
