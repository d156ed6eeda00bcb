import type { FuzzRequest } from './generator';
import type { FuzzResponse } from './http';

export type FailureKind =
  | '5xx'
  | 'not a problem document'
  | 'refused but changed data'
  | 'no answer'
  | 'Herald exited'
  | 'not ready at the end'
  | 'changed data after the run';

export interface Failure {
  kind: FailureKind;
  route: string;
  status?: number;
  detail: string;
  request?: FuzzRequest;
}

const PROBLEM = /^application\/problem\+json(;|$)/;

/** What one answer breaks of the contract: no 5xx, and every 4xx an RFC 9457 problem document. */
export function checkAnswer(request: FuzzRequest, response: FuzzResponse): Failure[] {
  const { status } = response;
  if (status >= 500) {
    return [{ kind: '5xx', route: request.route, status, detail: response.body.slice(0, 300), request }];
  }
  if (status < 400) return [];
  const problems = problemDocumentErrors(response);
  return problems.length
    ? [{ kind: 'not a problem document', route: request.route, status, detail: problems.join('; '), request }]
    : [];
}

function problemDocumentErrors(response: FuzzResponse): string[] {
  const type = String(response.headers['content-type'] ?? '');
  const errors: string[] = [];
  if (!PROBLEM.test(type)) errors.push(`content-type ${type || '(none)'}`);
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [...errors, `body is not JSON: ${JSON.stringify(response.body.slice(0, 120))}`];
  }
  if (typeof body !== 'object' || body === null) return [...errors, 'body is not an object'];
  const problem = body as Record<string, unknown>;
  if (typeof problem.type !== 'string') errors.push('no "type"');
  if (typeof problem.title !== 'string') errors.push('no "title"');
  if (problem.status !== response.status)
    errors.push(`"status" ${JSON.stringify(problem.status)} ≠ ${response.status}`);
  return errors;
}
