import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, TestClient } from '../support/client.js';
import {
  describeFailure,
  EXCLUDED,
  Fixtures,
  fuzzParameters,
  mayDestroy,
  operationsOf,
  problemsWith,
  readDocument,
  requestArb,
  RUNS,
  SEED,
  send,
  seedNote,
  type Operation,
} from './fuzz-support.js';

/**
 * API fuzzing (issue 15, item 7), one operation at a time: every operation of the app's OpenAPI
 * document (except EXCLUDED, each with its reason) gets FUZZ_RUNS requests generated from its
 * parameter and body schemas: valid ones naming the fuzzing user's records (or random ids), ones
 * broken at one place (a wrong type, a bound crossed, a missing or unknown key, a bad id in the
 * path), raw bodies that are not JSON objects, and one in six without a session. Every answer must
 * be below 500, documented for the operation, match the route's response schema (the test app also
 * checks every answer against it), and refuse a request without a session where one is needed.
 * The lifecycle file (lifecycles.fuzz.int.test.ts) checks create → read → update → delete → read.
 */
/** Operations per fuzzing user: a new user keeps the data that reads go over (exports, duplicates) small. */
const OPERATIONS_PER_USER = 12;

let t: TestApp;
let anonymous: TestClient;
let operations: Operation[] = [];

beforeAll(async () => {
  console.info(`API fuzzer: ${seedNote()}`);
  t = await createTestApp();
  anonymous = new TestClient(t.app);
  // FUZZ_ONLY=<regular expression> fuzzes only the operations whose "METHOD /path" it matches.
  const only = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
  operations = operationsOf(await readDocument(t), t).filter((op) => !(op.key in EXCLUDED) && (!only || only.test(op.key)));
});
afterAll(() => t?.close());

describe(`every operation of the OpenAPI document, ${RUNS} generated requests each (seed ${SEED})`, () => {
  it('leaves out only the operations listed with a reason, and the list names real operations', async () => {
    const doc = await readDocument(t);
    const all = operationsOf(doc, t).map((op) => op.key);
    expect(Object.keys(EXCLUDED).filter((key) => !all.includes(key))).toEqual([]);
    if (!process.env.FUZZ_ONLY) expect(operations.length).toBeGreaterThan(80);
  });

  it('answers every generated request below 500, with a documented status and a body that matches its schema', {
    timeout: 600_000,
  }, async () => {
    const failures: string[] = [];
    let requests = 0;
    const spent: [string, number][] = [];
    let owner = await signUp(t.app, 'fuzz');
    let fixtures = new Fixtures(owner);
    for (const [index, op] of operations.entries()) {
      const started = performance.now();
      if (index > 0 && index % OPERATIONS_PER_USER === 0) {
        owner = await signUp(t.app, 'fuzz');
        fixtures = new Fixtures(owner);
      }
      const ids = await fixtures.for(op);
      await fc
        .assert(
          fc.asyncProperty(requestArb(op, ids), async (req) => {
            const res = await send(owner, anonymous, req);
            requests++;
            const problems = problemsWith(op, req, res);
            if (problems.length) throw new Error(describeFailure(op, req, res, problems));
          }),
          fuzzParameters(),
        )
        .catch((err: Error) => failures.push(err.message));
      if (mayDestroy(op)) fixtures.forget();
      // A request that deleted the fuzzing user's session would make every later answer a 401.
      const me = await owner.get('/api/auth/me');
      if (me.status !== 200) throw new Error(`${op.key} ended the fuzzing session (${me.status}); ${seedNote()}`);
      spent.push([op.key, Math.round(performance.now() - started)]);
      if (process.env.FUZZ_VERBOSE) console.info(`${op.key}: ${spent.at(-1)?.[1]} ms`);
    }
    const slowest = spent.sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.info(`API fuzzer: slowest operations ${slowest.map(([k, ms]) => `${k} ${ms} ms`).join(', ')}`);
    console.info(`API fuzzer: ${requests} requests over ${operations.length} operations`);
    expect(failures).toEqual([]);
  });
});
