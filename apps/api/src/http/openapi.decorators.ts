import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiProperty,
  ApiResponse,
  ApiSchema,
  ApiSecurity,
  getSchemaPath,
} from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@herald/core';
import type { Page } from '@herald/notifications';
import { ProblemDocumentDto } from '../dto/problem-document.dto';

/** Names of the security schemes configureHttp declares. */
export const BEARER_SCHEME = 'bearer';
export const RECIPIENT_TOKEN_SCHEME = 'recipientToken';
export const RECIPIENT_TOKEN_QUERY_SCHEME = 'recipientTokenQuery';

/** The client errors Herald answers, as the document describes them. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

const WHEN: Record<ProblemStatus, string> = {
  400: 'Malformed JSON body',
  401: 'No credential, or an unknown or revoked one (WWW-Authenticate: Bearer)',
  403: 'The API key lacks the scope of this route',
  404: 'Nothing with this id',
  409: 'Conflicts with the current state',
  413: 'Request body over 1 MiB',
  415: 'Unsupported body charset',
  422: 'Invalid fields (body, query, path or header), each listed in errors[]',
  429: 'Rate limit of the key (or recipient token) spent; Retry-After says when to retry',
  503: 'A dependency is unavailable',
};

/** What any route with a JSON body may answer before its handler runs: the body parser's refusals and 422. */
export const BODY_PROBLEMS = [400, 413, 415, 422] as const satisfies readonly ProblemStatus[];
/** What any route behind an API key may answer before its handler runs. */
export const AUTH_PROBLEMS = [401, 403, 429] as const satisfies readonly ProblemStatus[];

/** Documents these statuses as problem documents (`application/problem+json`, schema ProblemDocument). */
export function ApiProblems(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDocumentDto),
    ...[...new Set(statuses)].map((status) =>
      ApiResponse({
        status,
        description: WHEN[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocumentDto) } } },
      }),
    ),
  );
}

/** A route behind the global API key guard: the bearer scheme, and 401/403/429. */
export function ApiKeyProtected(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(BEARER_SCHEME), ApiProblems(...AUTH_PROBLEMS));
}

/** Inbox routes: an API key (scope read) or the recipient token; on the stream also `?token=`. */
export function ApiInboxAuth(options: { queryToken?: boolean } = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(RECIPIENT_TOKEN_SCHEME),
    ...(options.queryToken ? [ApiSecurity(RECIPIENT_TOKEN_QUERY_SCHEME)] : []),
    ApiProblems(...AUTH_PROBLEMS),
  );
}

const pages = new Map<Type, Type>();

/**
 * The schema of a list page (API.md §2), `{ items: Item[], nextCursor }`, as a class named `<Item>Page` so
 * generated clients get a named type. One class per item type, whoever asks.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  const known = pages.get(item);
  if (known) return known as Type<Page<T>>;
  const name = `${schemaName(item)}Page`;
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last one' })
    nextCursor: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: name });
  ApiSchema({ name })(PageDto);
  pages.set(item, PageDto);
  return PageDto;
}

/** The name a class has in the document (@ApiSchema's, or its own). */
function schemaName(type: Type): string {
  const path = getSchemaPath(type);
  return path.slice(path.lastIndexOf('/') + 1);
}
