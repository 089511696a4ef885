import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RouteInfo } from '../../src/server/app.js';
import { exampleFor } from '../../src/server/platform/http/openapi-examples.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { ROUTE_CASES } from '../support/route-cases.js';

/**
 * Every date and date-time field of every route, in bodies and query strings alike, found from the
 * route table's own schemas: the values PostgreSQL cannot store (year 0, past 9999 once in UTC)
 * and those outside 1900-01-01 … 2999-12-31 are a 400 naming the field, never a 500; the edges of
 * the range and an ordinary value are accepted.
 */

type Field = { route: RouteInfo; where: 'body' | 'querystring'; path: (string | number)[]; format: 'date' | 'date-time' };

const OUT_OF_RANGE = {
  date: ['0000-01-01', '1899-12-31', '3000-01-01', '9999-12-31'],
  'date-time': ['0000-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00', '1899-12-31T23:59:59Z', '2999-12-31T23:00:00-05:00'],
};
const IN_RANGE = {
  date: ['1900-01-01', '2026-03-01', '2999-12-31'],
  'date-time': ['1900-01-01T00:00:00Z', '2026-03-01T09:30:00+01:00', '3000-01-01T00:00:00+02:00'],
};

function dateFields(schema: any, path: (string | number)[] = []): { path: (string | number)[]; format: Field['format'] }[] {
  if (!schema || typeof schema !== 'object') return [];
  if (schema.type === 'string' && (schema.format === 'date' || schema.format === 'date-time')) return [{ path, format: schema.format }];
  const found = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap((s: unknown) => dateFields(s, path));
  for (const [name, prop] of Object.entries(schema.properties ?? {})) found.push(...dateFields(prop, [...path, name]));
  if (schema.items) found.push(...dateFields(schema.items, [...path, 0]));
  return found;
}

function setAt(target: any, path: (string | number)[], value: unknown) {
  let node = target;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) node[key] = value;
    else node = node[key] ??= typeof path[i + 1] === 'number' ? [{}] : {};
  }
  return target;
}

let t: TestApp;
let client: TestClient;
let fields: Field[];
let ownContact: string;

beforeAll(async () => {
  t = await createTestApp();
  client = await signUp(t.app, 'dates');
  ownContact = (await client.post('/api/contacts', { name: 'Date Person' })).body.id;
  fields = t.app.routeTable.flatMap((route) =>
    (['body', 'querystring'] as const).flatMap((where) => {
      const schema = route.schema[where];
      if (!schema) return [];
      return dateFields(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })).map((f) => ({ route, where, ...f }));
    }),
  );
});
afterAll(() => t.close());

async function send(field: Field, value: string) {
  const literal = (ROUTE_CASES[`${field.route.method} ${field.route.url}`] as { literalParams?: Record<string, string> } | undefined)
    ?.literalParams;
  const url = field.route.url.replace(/:(\w+)/g, (_m, name: string) => literal?.[name] ?? ownContact);
  if (field.where === 'querystring') {
    return client.request(field.route.method as 'GET', `${url}?${String(field.path[0])}=${encodeURIComponent(value)}`);
  }
  // A body that is one of several shapes (the bulk actions) uses the shape that has the field.
  type Shape = { properties?: Record<string, unknown>; anyOf?: Shape[]; oneOf?: Shape[] };
  const whole = z.toJSONSchema(field.route.schema.body!, { io: 'input', unrepresentable: 'any' }) as Shape;
  const shape = (whole.anyOf ?? whole.oneOf)?.find((v) => String(field.path[0]) in (v.properties ?? {})) ?? whole;
  const body = exampleFor(shape as Parameters<typeof exampleFor>[0]) as Record<string, unknown>;
  if ('contactId' in body) body.contactId = ownContact;
  // Optional links are left out; a list of people that is required (a class's attendees) names the caller's own.
  const required = new Set(
    (z.toJSONSchema(field.route.schema.body!, { io: 'input', unrepresentable: 'any' }) as { required?: string[] }).required,
  );
  for (const key of ['tagIds', 'contactIds', 'projectId', 'parentTaskId']) delete body[key];
  if (required.has('contactIds')) body.contactIds = [ownContact];
  // The two ends of a range get the same value, so the pair itself stays valid (an end before its start is refused).
  const [name] = field.path;
  if (name === 'startsAt' || name === 'endsAt') {
    body.startsAt = value;
    body.endsAt = value;
  }
  return client.request(field.route.method as 'POST', url, setAt(body, field.path, value));
}

describe('dates and date-times', () => {
  it('finds the date fields of every route that has them', () => {
    const names = fields.map((f) => `${f.route.method} ${f.route.url} ${f.where}.${f.path.join('.')}`);
    for (const expected of [
      'POST /api/tasks body.dueAt',
      'PATCH /api/tasks/:id body.dueAt',
      'GET /api/tasks querystring.dueFrom',
      'GET /api/tasks querystring.dueTo',
      'POST /api/goals body.deadline',
      'PATCH /api/contacts/:id body.birthday',
      'PATCH /api/contacts/:id body.importantDates.0.date',
      'POST /api/contacts body.lastContactAt',
      'POST /api/interactions body.occurredAt',
      'PATCH /api/interactions/:id body.occurredAt',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('answers 400 naming the field for every value out of range, on every route', async () => {
    const wrong: string[] = [];
    for (const field of fields) {
      for (const value of OUT_OF_RANGE[field.format]) {
        const res = await send(field, value);
        const named = JSON.stringify(res.body?.error?.details ?? {}).includes(String(field.path.at(-1)));
        if (res.status !== 400 || res.body.error.code !== 'validation_failed' || !named) {
          wrong.push(`${field.route.method} ${field.route.url} ${field.path.join('.')}=${value}: ${res.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('accepts the edges of the range and an ordinary value', async () => {
    const wrong: string[] = [];
    for (const field of fields) {
      for (const value of IN_RANGE[field.format]) {
        const res = await send(field, value);
        // PATCH of a contact's id on another route's param answers 404; what matters is that the value
        // passed the schema. A rule of the route itself (a consent expiry must be in the future) may refuse it.
        const isRouteRule = res.status === 400 && res.body?.error?.code === 'bad_request';
        if ((res.status === 400 && !isRouteRule) || res.status >= 500)
          wrong.push(`${field.route.method} ${field.route.url} ${field.path.join('.')}=${value}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
    const stored = await client.patch(`/api/contacts/${ownContact}`, {
      birthday: '2999-12-31',
      lastContactAt: '3000-01-01T00:00:00+02:00',
    });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ birthday: '2999-12-31', lastContactAt: '2999-12-31T22:00:00.000Z' });
  });
});
