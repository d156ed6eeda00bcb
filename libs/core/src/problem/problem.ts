import { FieldError } from '../core.errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://herald.dev/problems/';

/** RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export function problem(code: string, status: number, title: string, detail?: string, errors?: FieldError[]): Problem {
  return { type: PROBLEM_TYPE_BASE + code, title, status, detail, errors };
}
