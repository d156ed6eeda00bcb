import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RecipientErasureService } from '@herald/notifications';
import { PutRecipientDto, RecipientIdParam, RecipientService, RecipientView } from '@herald/recipients';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/scopes.decorator';
import { RecipientViewDto } from '../dto/recipient-responses.dto';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS } from '../http/openapi.decorators';

@ApiTags('recipients')
@ApiKeyProtected()
@Controller('v1/recipients')
export class RecipientsController {
  constructor(
    private readonly recipients: RecipientService,
    private readonly erasure: RecipientErasureService,
  ) {}

  @Put(':id')
  @ApiCreatedResponse({ type: RecipientViewDto, description: 'Created' })
  @ApiOkResponse({ type: RecipientViewDto, description: 'Replaced' })
  @ApiProblems(...BODY_PROBLEMS)
  @RequireScopes('recipients')
  async put(
    @Param() { id }: RecipientIdParam,
    @Body() body: PutRecipientDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<RecipientView> {
    const { recipient, created } = await this.recipients.put(id, body);
    res.status(created ? 201 : 200);
    return recipient;
  }

  @Get(':id')
  @ApiOkResponse({ type: RecipientViewDto })
  @ApiProblems(404, 422)
  @RequireScopes('recipients', 'read')
  get(@Param() { id }: RecipientIdParam): Promise<RecipientView> {
    return this.recipients.get(id);
  }

  /** Erases the recipient's personal data; its notification history keeps only ids. */
  @Delete(':id')
  @RequireScopes('recipients')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiProblems(404, 422)
  async delete(@Param() { id }: RecipientIdParam): Promise<void> {
    await this.erasure.erase(id);
  }
}
