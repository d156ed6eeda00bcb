/** The parts of an OpenAPI 3 document the fuzzer reads: paths, parameters, request bodies and their schemas. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  nullable?: boolean;
  example?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface DocumentOperation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, DocumentOperation | undefined>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One route of the document, as the generator uses it. */
export interface Operation {
  /** `METHOD /path/{param}`: how failures are grouped. */
  route: string;
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  bodyRequired: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function operations(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      if (!operation) return [];
      const body = operation.requestBody?.content?.['application/json']?.schema;
      return [
        {
          route: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          parameters: operation.parameters ?? [],
          body,
          bodyRequired: operation.requestBody?.required ?? false,
        },
      ];
    }),
  );
}

/** Follows `$ref`s (local ones) and merges `allOf`, so callers see one plain schema. */
export function resolveSchema(doc: OpenApiDocument, schema: Schema | undefined, depth = 0): Schema {
  if (!schema || depth > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolveSchema(doc, doc.components?.schemas?.[name], depth + 1);
  }
  if (schema.allOf?.length) {
    const parts = schema.allOf.map((part) => resolveSchema(doc, part, depth + 1));
    return parts.reduce<Schema>(
      (merged, part) => ({
        ...merged,
        ...part,
        properties: { ...merged.properties, ...part.properties },
        required: [...(merged.required ?? []), ...(part.required ?? [])],
      }),
      { ...schema, allOf: undefined },
    );
  }
  if (schema.oneOf?.length || schema.anyOf?.length) {
    return resolveSchema(doc, (schema.oneOf ?? schema.anyOf)![0], depth + 1);
  }
  return schema;
}

/** The kind of thing a route's last noun names (`/v1/admin/templates/{key}/versions/{n}/activate` → `versions`). */
export function resourceOf(path: string, before?: string): string | undefined {
  const segments = path.split('/').filter(Boolean);
  const end = before === undefined ? segments.length : segments.indexOf(`{${before}}`);
  for (let i = end - 1; i >= 0; i--) {
    const segment = segments[i];
    if (!segment.startsWith('{') && !ACTIONS.has(segment)) return segment;
  }
  return undefined;
}

/** Trailing verbs of action routes: the resource is the noun before them. */
const ACTIONS = new Set(['cancel', 'retry', 'activate', 'preview', 'read', 'read-all', 'batch', 'stream']);
