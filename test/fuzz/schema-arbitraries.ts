import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON schemas of the app's OpenAPI document (the subset
 * fastify-type-provider-zod writes: OpenAPI 3.0 `nullable` and boolean `exclusiveMinimum`).
 * `valid` generates values the schema accepts; `invalid` values it refuses at one place (a wrong
 * type, a bound crossed, a missing or unknown key, a broken format), or edge values worth sending.
 * No library does this for fast-check 4 and OpenAPI 3.0 (json-schema-fast-check needs fast-check 1,
 * zod-fast-check zod 3), so it is written here.
 */
export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  multipleOf?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** Where a value goes: a field's name picks the ids it may hold, a query or path value is text. */
export type Place = { name: string; asText: boolean };
/** Ids of existing records for a field name (contactId → the caller's contacts), or none. */
export type IdSource = (name: string) => string[];

/** Strings of long generated lengths cost time and say little; bounds are tried exactly instead. */
const LONGEST_RANDOM = 40;
const DAY_MS = 86_400_000;
const dateArb = fc.integer({ min: Date.UTC(1900, 0, 1) / DAY_MS, max: Date.UTC(2100, 0, 1) / DAY_MS }).map((d) => new Date(d * DAY_MS));
const instantArb = fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2090, 0, 1) }).map((ms) => new Date(ms).toISOString());

/** Values that break something somewhere: extreme numbers, odd text, wrong containers. */
const NASTY: unknown[] = [
  null,
  true,
  0,
  -1,
  -0,
  5e-324,
  1e308,
  -1e308,
  2 ** 53 + 1,
  0.1 + 0.2,
  '',
  ' ',
  '0',
  'null',
  'NaN',
  'Infinity',
  '-1',
  '1e999',
  '\u0000',
  '\ud800',
  '\u202e\u0301',
  '%',
  '../..',
  "'; select 1; --",
  '<script>',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  [],
  [null],
  {},
  { __proto__: 1 },
  { constructor: { prototype: 1 } },
];
const nasty = fc.constantFrom(...NASTY);

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const schemaTypes = (s: JsonSchema): string[] => {
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf ?? []).flatMap(schemaTypes);
  const t = s.type === 'integer' ? 'number' : s.type;
  return t ? [t, ...(s.nullable ? ['null'] : [])] : [];
};
/** A value whose JSON type the schema does not accept. */
const wrongType = (s: JsonSchema) => {
  const allowed = new Set(schemaTypes(s));
  return allowed.size ? nasty.filter((v) => !allowed.has(typeOf(v))) : nasty;
};

const asText = (place: Place, arb: fc.Arbitrary<unknown>) =>
  place.asText ? arb.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) : arb;

function stringArb(s: JsonSchema, place: Place, ids: IdSource): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? Number.POSITIVE_INFINITY;
  const matches = s.pattern ? new RegExp(s.pattern) : undefined;
  if (s.format === 'uuid') {
    const known = ids(place.name);
    const fresh = fc.uuid({ version: 4 });
    return known.length ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 19 }, { arbitrary: fresh, weight: 1 }) : fresh;
  }
  if (s.format === 'date') return dateArb.map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'date-time') return instantArb;
  if (s.format === 'email') {
    return fc
      .tuple(
        fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}$/),
        fc.constantFrom('example.test', 'mail.example.org', 'xn--bcher-kva.example'),
      )
      .map(([local, domain]) => `${local}@${domain}`)
      .filter((v) => v.length <= max && (!matches || matches.test(v)));
  }
  if (matches) return fc.stringMatching(matches).filter((v) => v.length >= min && v.length <= max);
  const longest = Math.max(min, Math.min(max, LONGEST_RANDOM));
  const edges: fc.Arbitrary<string>[] = Math.max(min, 1) <= max ? [fc.constant('x'.repeat(Math.max(min, 1)))] : [];
  if (s.maxLength !== undefined) edges.push(fc.constant('é'.repeat(s.maxLength)));
  return fc.oneof(
    { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: longest }), weight: 4 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: longest }), weight: 2 },
    ...edges.map((arbitrary) => ({ arbitrary, weight: 1 })),
  );
}

function numberArb(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? -1e12;
  const max = s.maximum ?? 1e12;
  const minExcluded = s.exclusiveMinimum === true;
  const maxExcluded = s.exclusiveMaximum === true;
  if (s.type === 'integer') {
    const lo = Math.ceil(minExcluded ? min + 1 : min);
    const hi = Math.floor(maxExcluded ? max - 1 : max);
    return fc.oneof(fc.integer({ min: lo, max: hi }), fc.constantFrom(lo, hi));
  }
  const step = s.multipleOf;
  if (step) {
    // Decimal steps (0.000001): a double rounded to the step's decimals, kept inside the bounds.
    const decimals = Math.max(0, -Math.floor(Math.log10(step)));
    const lowest = minExcluded ? min + step : min;
    return fc
      .double({ min, max, minExcluded, maxExcluded, noNaN: true, noDefaultInfinity: true })
      .map((v) => Math.min(max, Math.max(lowest, Number(v.toFixed(decimals)))));
  }
  return fc.oneof(
    fc.double({ min, max, minExcluded, maxExcluded, noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: Math.ceil(min) + (minExcluded ? 1 : 0), max: Math.floor(max) - (maxExcluded ? 1 : 0) }),
  );
}

/**
 * Fields whose rules go beyond their JSON schema (zod refinements, the record's current version):
 * values that pass them, so that most valid requests get as far as the database.
 */
const REALISTIC: [RegExp, string, fc.Arbitrary<unknown>][] = [
  [/^phones?$/, 'string', fc.stringMatching(/^\+?[1-9][0-9]{6,12}$/)],
  [/^version$/, 'integer', fc.integer({ min: 1, max: 3 })],
];

/** Values the schema accepts. */
export function valid(s: JsonSchema, place: Place, ids: IdSource): fc.Arbitrary<unknown> {
  const realistic = REALISTIC.find(([name, type]) => name.test(place.name) && s.type === type)?.[2];
  const base = realistic ? asText(place, realistic) : validNonNull(s, place, ids);
  return s.nullable ? fc.oneof({ arbitrary: base, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 }) : base;
}

function validNonNull(s: JsonSchema, place: Place, ids: IdSource): fc.Arbitrary<unknown> {
  if (s.enum) return asText(place, fc.constantFrom(...s.enum));
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, place, ids)));
  if (s.allOf?.length) return valid(s.allOf[0]!, place, ids);
  switch (s.type) {
    case 'string':
      return stringArb(s, place, ids);
    case 'integer':
    case 'number':
      return asText(place, numberArb(s));
    case 'boolean':
      return asText(place, fc.boolean());
    case 'array': {
      const items = valid(s.items ?? {}, { ...place, asText: false }, ids);
      return fc.array(items, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    }
    case 'object':
      return objectArb(s, place, ids);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArb(s: JsonSchema, place: Place, ids: IdSource): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const model = Object.fromEntries(Object.entries(props).map(([k, p]) => [k, valid(p, { name: k, asText: place.asText }, ids)]));
  return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Values the schema refuses at one place, or edge values (which it may accept). */
export function invalid(s: JsonSchema, place: Place, ids: IdSource): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [asText(place, wrongType(s))];
  if (s.enum) options.push(asText(place, fc.constantFrom('not-a-choice', String(s.enum[0]).toUpperCase(), ` ${String(s.enum[0])}`)));
  switch (s.enum ? undefined : s.type) {
    case 'string':
      if (s.maxLength !== undefined) options.push(fc.constant('y'.repeat(s.maxLength + 1)));
      if (s.minLength) options.push(fc.constant('z'.repeat(s.minLength - 1)), fc.constant(' '.repeat(s.minLength)));
      if (s.pattern || s.format) {
        options.push(
          fc.constantFrom(
            '2024-02-30',
            '2024-13-01T00:00:00Z',
            'not-a-uuid',
            'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
            '00000000-0000-0000-0000-00000000000g',
            '0'.repeat(65),
            '#12345g',
            'a@b',
            '+10000-01-01',
          ),
        );
        options.push(stringArb({ ...s, format: undefined, pattern: undefined }, place, ids));
      }
      break;
    case 'integer':
    case 'number': {
      const edges: number[] = [5e-324, -0, 1e308, -1e308, 2 ** 53 + 1, 1.5];
      if (s.minimum !== undefined) edges.push(s.minimum - 1, s.minimum - 5e-324, s.minimum);
      if (s.maximum !== undefined) edges.push(s.maximum + 1, s.maximum * 2);
      options.push(asText(place, fc.constantFrom(...edges)));
      if (place.asText) options.push(fc.constantFrom('1e3', '0x10', ' 7', '7 ', '١٢', '+1', '1.0'));
      break;
    }
    case 'array': {
      const item = s.items ?? {};
      const good = valid(item, { ...place, asText: false }, ids);
      if (s.maxItems !== undefined) options.push(fc.array(good, { minLength: s.maxItems + 1, maxLength: s.maxItems + 1 }));
      if (s.minItems) options.push(fc.constant([]));
      options.push(
        fc.tuple(fc.array(good, { maxLength: 2 }), invalid(item, { ...place, asText: false }, ids)).map(([a, bad]) => [...a, bad]),
      );
      break;
    }
    case 'object':
      options.push(...objectMutations(s, place, ids));
      break;
  }
  return fc.oneof(...options);
}

function objectMutations(s: JsonSchema, place: Place, ids: IdSource): fc.Arbitrary<unknown>[] {
  const props = Object.entries(s.properties ?? {});
  const good = objectArb(s, place, ids);
  const out: fc.Arbitrary<unknown>[] = [good.map((o) => ({ ...o, unexpectedKey: 'x' }))];
  if (props.length) {
    out.push(
      fc
        .tuple(good, fc.constantFrom(...props))
        .chain(([o, [key, schema]]) => invalid(schema, { name: key, asText: place.asText }, ids).map((bad) => ({ ...o, [key]: bad }))),
    );
  }
  const required = s.required ?? [];
  if (required.length) {
    out.push(
      fc.tuple(good, fc.constantFrom(...required)).map(([o, key]) => {
        const { [key]: _dropped, ...rest } = o;
        return rest;
      }),
    );
  }
  return out;
}
