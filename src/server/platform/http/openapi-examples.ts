/**
 * Examples for the OpenAPI document, built from each JSON schema so no route repeats itself: a
 * schema's own `examples` (from zod's .meta) win; otherwise a plausible value is made from types,
 * formats, enums and bounds. test/api/openapi.int.test.ts checks each one against its zod schema.
 */
type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  examples?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
};

const BY_FORMAT: Record<string, string> = {
  date: '2026-03-01',
  'date-time': '2026-03-01T09:30:00.000Z',
  email: 'ada@example.test',
  uri: 'https://example.test/',
};

function uuidMaker() {
  let n = 0;
  return () => `3f1c2a4e-8b7d-4c1e-9a2b-${String(++n).padStart(12, '0')}`;
}

function exampleOf(schema: JsonSchema, nextUuid: () => string, key = ''): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return exampleOf(options.find((o) => o.type !== 'null') ?? options[0]!, nextUuid, key);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => exampleOf(s, nextUuid, key)));
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(schema.properties ?? {})) out[name] = exampleOf(prop, nextUuid, name);
      // A record over a closed set of keys (zod's record of an enum) has every key.
      const values = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
      for (const name of [...(schema.propertyNames?.enum ?? []), ...(schema.required ?? [])])
        if (values && !(String(name) in out)) out[String(name)] = exampleOf(values, nextUuid, String(name));
      return out;
    }
    case 'array':
      // As many items as the array needs (at least one): each uuid is a new one, so "two different ids" holds.
      return schema.items ? Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => exampleOf(schema.items!, nextUuid, key)) : [];
    case 'integer':
    case 'number': {
      const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      return Math.min(Math.max(low, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string': {
      if (schema.format === 'uuid') return nextUuid();
      if (schema.format && BY_FORMAT[schema.format]) return BY_FORMAT[schema.format];
      if (schema.pattern?.includes('#')) return '#0d9488';
      const word = key ? `Example ${key}` : 'Example';
      return word.padEnd(schema.minLength ?? 0, '.');
    }
    default:
      return {};
  }
}

/** One example value for a JSON schema (the OpenAPI form of a zod schema). */
export function exampleFor(schema: unknown): unknown {
  return exampleOf(schema as JsonSchema, uuidMaker());
}

/**
 * Adds an example to the request body and to every success response with a body of one route's
 * transformed schema, where the schema has none of its own.
 */
export function attachExamples(schema: Record<string, unknown>) {
  const body = schema.body as JsonSchema | undefined;
  if (body && typeof body === 'object' && !body.examples?.length) body.examples = [exampleFor(body)];
  const responses = (schema.response ?? {}) as Record<string, JsonSchema>;
  for (const [status, response] of Object.entries(responses)) {
    if (!/^2/.test(status) || response.type === 'null' || response.examples?.length) continue;
    response.examples = [exampleFor(response)];
  }
  return schema;
}
