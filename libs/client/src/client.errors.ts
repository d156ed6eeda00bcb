import type { HeraldProblem } from './herald-client.types';

function isProblem(value: unknown): value is HeraldProblem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as HeraldProblem).type === 'string' &&
    typeof (value as HeraldProblem).status === 'number'
  );
}

/** Herald refused the message: `problem` says why (`errors` lists each bad field by path). */
export class HeraldClientError extends Error {
  readonly status: number;

  constructor(readonly problem: HeraldProblem) {
    super(problem.detail ?? problem.title);
    this.name = 'HeraldClientError';
    this.status = problem.status;
  }

  /**
   * A transport rejects with the plain object Herald sent back; a problem
   * document becomes a HeraldClientError, anything else (connection refused, a
   * timeout) is passed on unchanged.
   */
  static from(error: unknown): unknown {
    if (!isProblem(error)) return error;
    // Herald repeats the document under `message` for clients that read Nest's { status, message } shape.
    const { type, title, status, detail, errors } = error;
    return new HeraldClientError({ type, title, status, detail, errors });
  }
}
