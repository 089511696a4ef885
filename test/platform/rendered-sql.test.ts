import { describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { contacts } from '../../src/server/db/schema/index.js';
import { renderedFragment, renderedStatement } from '../../src/server/db/rendered-sql.js';

const dialect = new PgDialect();
const render = (q: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(q);
  return { text, params };
};

// A statement of the shape the JSON-building reads have: columns, a repeated value, constants.
const shape = (userId: unknown, at: unknown, limit: unknown) => sql`
  select json_build_object('id', ${contacts.id}, 'name', ${contacts.name}) as j
  from ${contacts}
  where ${contacts.userId} = ${userId} and ${contacts.updatedAt} < ${at}::timestamptz
    and ${contacts.createdAt} < ${at}::timestamptz
  order by lower(${contacts.name}) limit ${limit}`;

describe('SQL rendered once', () => {
  const statement = renderedStatement<'userId' | 'at'>(({ userId, at }) => shape(userId, at, 50));

  it('sends the same text and parameters as rendering the statement each time', () => {
    for (const [userId, at] of [
      ['u-1', '2026-12-02T10:00:00.000Z'],
      ['u-2', '2026-01-31T23:59:59.999Z'],
    ]) {
      expect(render(statement({ userId, at }))).toEqual(render(shape(userId, at, 50)));
    }
  });

  it('renders the same inside a larger statement, numbering its parameters after the ones before it', () => {
    const outer = (inner: SQL) => sql`select ${'first'}::text as a, x.j from (${inner}) x where x.j is not null and ${7} > 0`;
    expect(render(outer(statement({ userId: 'u-3', at: '2026-06-01T00:00:00.000Z' })))).toEqual(
      render(outer(shape('u-3', '2026-06-01T00:00:00.000Z', 50))),
    );
  });

  it('keeps an array value as one parameter', () => {
    const anyOf = renderedStatement<'ids'>(({ ids }) => sql`select id from ${contacts} where id = any(${ids}::uuid[])`);
    const { text, params } = render(anyOf({ ids: ['a', 'b', 'c'] }));
    expect(text).toBe('select id from "contacts" where id = any($1::uuid[])');
    expect(params).toEqual([['a', 'b', 'c']]);
  });

  it('refuses a missing value, and a text with a literal parameter marker', () => {
    const one = renderedStatement<'id'>(({ id }) => sql`select ${id}::text`);
    expect(() => one({} as { id: string })).toThrow(/no value for id/);
    const literal = renderedStatement<'id'>(({ id }) => sql`select '$1' as a, ${id}::text as b`);
    expect(() => literal({ id: 'x' })).toThrow(/unexpected \$1/);
  });

  it('renders a fragment with parameters once and numbers them where it is used', () => {
    const fragment = sql`(${contacts.name} = ${'Zoë'} or ${contacts.name} = ${'Zoé'})`;
    const rendered = renderedFragment(fragment);
    const use = (f: SQL) => sql`select 1 from ${contacts} where ${contacts.userId} = ${'u-4'} and ${f} limit ${10}`;
    expect(render(use(rendered))).toEqual(render(use(fragment)));
    expect(render(use(rendered)).params).toEqual(['u-4', 'Zoë', 'Zoé', 10]);
  });
});
