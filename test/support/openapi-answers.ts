/**
 * Checks real answers against the OpenAPI document Herald serves: the status must be documented for the route,
 * the content type documented for that status, and the body must match the documented schema. The document's
 * OpenAPI 3.0 schemas are turned into JSON Schema for ajv: `$ref`s point into the document's components,
 * `nullable` becomes a union with null, and objects are closed (no property the document does not name) unless
 * the schema says what else they may hold, so an undocumented field fails as surely as a missing one.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { expect } from 'vitest';
import type { ApiResponse } from './api-client';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';
const METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'patch'];

type Json = Record<string, unknown>;

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: Json }>;
}

interface OperationObject {
  requestBody?: Json;
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
}

/** The parts of the document this reads. */
export interface OpenApi {
  openapi: string;
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components: { schemas: Record<string, Json>; securitySchemes?: Record<string, Json> };
}

const DOCUMENT_ID = 'herald-openapi.json';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAPI 3.0 schema → JSON Schema (see the file's comment). */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isObject(schema)) return schema;
  const converted: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') converted.$ref = DOCUMENT_ID + value;
    else if (key === 'properties' && isObject(value)) {
      converted.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else converted[key] = toJsonSchema(value);
  }
  if (isObject(converted.properties) && !('additionalProperties' in converted)) {
    converted.additionalProperties = false;
  }
  return schema.nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}

/** `/v1/notifications/{id}` with `{ id }` filled in. */
export function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`${template}: no value for {${name}}`);
    return encodeURIComponent(String(params[name]));
  });
}

export class OpenApiAnswers {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly exercised = new Set<string>();

  constructor(readonly document: OpenApi) {
    this.ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT/.test(value) && !isNaN(Date.parse(value)));
    this.ajv.addFormat('uri', (value: string) => URL.canParse(value));
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: toJsonSchema(document.components) as Json });
  }

  /** Every documented route, as `GET /v1/notifications/{id}`. */
  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  operation(method: HttpMethod, template: string): OperationObject {
    const operation = this.document.paths[template]?.[method];
    if (!operation) throw new Error(`${method.toUpperCase()} ${template} is not in the document`);
    return operation;
  }

  /** The documented routes no answer was checked for yet. */
  unexercised(): string[] {
    return this.operations().filter((operation) => !this.exercised.has(operation));
  }

  /**
   * Checks one real answer of `method template` against the document: status documented, content type
   * documented for it (none for an empty body), body valid against its schema. `body` may be given apart from
   * the response (an SSE answer whose stream the caller did not read).
   */
  check(method: HttpMethod, template: string, response: Omit<ApiResponse, 'body'> & { body?: unknown }): void {
    const route = `${method.toUpperCase()} ${template}`;
    const operation = this.operation(method, template);
    this.exercised.add(route);
    const what = `${route} answered ${response.status} ${JSON.stringify(response.body)?.slice(0, 500)}`;
    const documented = operation.responses[String(response.status)];
    expect(documented, `${what}: status not documented`).toBeDefined();
    const contentType = response.headers.get('content-type')?.split(';')[0].trim();
    if (response.status === 204 || contentType === undefined) {
      expect(documented.content, `${what}: documented with a body`).toBeUndefined();
      return;
    }
    const media = documented.content?.[contentType];
    expect(media, `${what}: content type ${contentType} not documented`).toBeDefined();
    expect(media?.schema, `${what}: no schema for ${contentType}`).toBeDefined();
    if (response.body === undefined) return;
    const validate = this.validator(`${route} ${response.status} ${contentType}`, media!.schema!);
    const valid = validate(response.body);
    expect(valid, `${what}: does not match its schema: ${this.ajv.errorsText(validate.errors)}`).toBe(true);
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
