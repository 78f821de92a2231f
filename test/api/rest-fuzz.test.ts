/**
 * Property-based fuzzing of the REST API over the real herder and SQLite store (fake worker), in process:
 * random connector names (any UTF-16, lone surrogates and control characters included), random configs
 * and bodies, random sequences of lifecycle calls, some of them concurrent. Whatever is sent:
 * - no answer is a 5xx, every error answer is the `{error_code, message}` envelope, none hangs;
 * - once the herder is idle, `GET /connectors` is valid UTF-8 JSON of well-formed names, and it, every
 *   connector's status and the names in the SQLite file agree;
 * - every listed connector can be deleted by the name `GET /connectors` gave, which empties the store.
 *
 * A fixed seed by default, so a run is reproducible; FUZZ_SEED and FUZZ_RUNS override it for long local runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { herderFixture, type HerderFixture } from '../helpers/herder-fixture.js';
import { TEST_SINK_CLASS } from '../helpers/test-sink-plugin.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** The fake worker answers at once: anything slower than this is a hang. */
const ANSWER_BOUND_MS = 5_000;

// ------------------------------------------------------------------ names and how a client puts them in URLs

const NASTY_NAMES = [
  '',
  ' ',
  'a',
  ' a ',
  '\ud800',
  'rel_zomb_\ud800',
  '\udc00x',
  'a\ud83d',
  '\t',
  'a\t',
  '\ta',
  'a\n',
  'a\r\n',
  'a\u0000',
  'a\u007f',
  'a\u0085',
  '/',
  'a/b',
  '.',
  '..',
  '...',
  '%',
  '%2F',
  '%25',
  '100%',
  'a%zz',
  '?',
  '#',
  'a?b=c',
  'a#b',
  '+',
  ';',
  '\\',
  '"',
  '\u00a0nbsp',
  '\u2028',
  'café',
  '日本',
  '🚀',
  '\ufeffbom',
  'x'.repeat(1024),
  'x'.repeat(1025),
  '🚀'.repeat(1024),
  'connectors',
  'status',
  'config',
];

/** Any UTF-16 string (lone surrogates and control characters included), a nasty constant, or one inside spaces. */
const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('', ' '), fc.stringMatching(/^[a-z][a-z0-9._-]{0,6}$/)).map(([pad, name]) => pad + name) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_NAMES) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\ud800', '\udc00', '/', '.', '%', 'é', '🚀'), maxLength: 6 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('', ' ', '  ', '\t', '\u0000'), fc.constantFrom(...NASTY_NAMES), fc.constantFrom('', ' ', '\n', '\u0085'))
      .map(([a, b, c]) => a + b + c),
  },
);

/** Percent-encodes UTF-16 code units the way a WTF-8 client would: a lone surrogate as its three bytes. */
function wtf8Encode(name: string): string {
  let out = '';
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

type Encoding = 'component' | 'raw' | 'broken';
const BROKEN_TAILS = ['%', '%z', '%zz', '%E0%A4', '%ED%A0%80', '%C0%AF', '%00', '%0A', '%2F', '%2E%2E'];

/** A name as a path segment: encoded as a client would, sent raw when it is printable ASCII, or followed by a broken escape. */
function segment(name: string, encoding: Encoding, tail: number): string {
  const encoded = name.isWellFormed() ? encodeURIComponent(name) : wtf8Encode(name);
  if (encoding === 'raw' && /^[\x21-\x7e]*$/.test(name)) return name;
  if (encoding === 'broken') return encoded + BROKEN_TAILS[tail % BROKEN_TAILS.length];
  return encoded;
}

// ------------------------------------------------------------------ configs and bodies

const anyValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
);

const KNOWN_KEYS = [
  'name',
  'connector.class',
  'tasks.max',
  'topics',
  'topics.regex',
  'test.batch.size',
  'test.task.count',
  'test.secret',
  'errors.tolerance',
  'errors.deadletterqueue.topic.name',
  'key.converter',
  'value.converter',
  'consumer.override.max.poll.records',
];
const keyArb = fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ unit: 'binary', maxLength: 10 }));

/** A config map: often a clean test-sink config, else one with noise, or noise alone. */
function configArb(names: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const clean = fc.record(
    {
      'connector.class': fc.constantFrom(TEST_SINK_CLASS, 'TestSinkConnector'),
      topics: fc.constant('orders'),
      'tasks.max': fc.constantFrom('1', '2', '3'),
      name: fc.constantFrom(...names),
    },
    { requiredKeys: ['connector.class', 'topics'] },
  );
  const odd = fc.record(
    {
      'connector.class': fc.constantFrom(TEST_SINK_CLASS, 'org.example.Missing', ''),
      topics: fc.constantFrom('orders', 'a,b', '', 'bad topic'),
      'tasks.max': fc.oneof(fc.constantFrom('0', '-1', 'abc', ' 2'), fc.integer({ min: -2, max: 4 })),
      name: nameArb,
    },
    { requiredKeys: [] },
  );
  const noise = fc.dictionary(keyArb, anyValueArb, { maxKeys: 4 });
  const stringNoise = fc.dictionary(fc.constantFrom('test.endpoint', 'test.batch.size', 'custom.key', 'x'), fc.constantFrom('1', '5', 'v', ''), { maxKeys: 2 });
  return fc.oneof(
    { weight: 4, arbitrary: clean },
    { weight: 2, arbitrary: fc.tuple(clean, stringNoise).map(([c, n]) => ({ ...n, ...c })) },
    { weight: 2, arbitrary: fc.tuple(clean, odd, noise).map(([c, o, n]) => ({ ...c, ...n, ...o })) },
    { weight: 1, arbitrary: noise },
  );
}

const INVALID_JSON = ['', '{', '{"a":', '[', 'nul', '{"a":1,}', "{'a':1}", '\u0000', '{"a":"\\ud800"}', '"\ud800"', '{"a":1}{"b":2}', 'NaN'];

/** A request body: JSON of `value` mostly, else invalid JSON, an array, a scalar, or any JSON value. */
function bodyArb(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_JSON) },
    { weight: 1, arbitrary: fc.constantFrom('[]', '[{"a":"b"}]', 'null', '1', '"x"', 'true', '{}') },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
  );
}

// ------------------------------------------------------------------ lifecycle calls

interface Call {
  readonly method: InjectOptions['method'];
  readonly url: string;
  readonly payload?: string;
}

function callArb(names: readonly string[]): fc.Arbitrary<Call> {
  const at = fc.record({ name: fc.constantFrom(...names), encoding: fc.constantFrom<Encoding>('component', 'component', 'raw', 'broken'), tail: fc.nat() });
  const path = (suffix: string) => at.map(({ name, encoding, tail }) => `/connectors/${segment(name, encoding, tail)}${suffix}`);
  const config = configArb(names);
  const createBody = fc.oneof(
    { weight: 4, arbitrary: fc.record({ name: fc.constantFrom(...names), config }) },
    {
      weight: 2,
      arbitrary: fc.record({
        name: fc.constantFrom(...names),
        config,
        initial_state: fc.oneof(fc.constantFrom('RUNNING', 'PAUSED', 'STOPPED', 'paused', 'bogus'), fc.constant(null), fc.integer()),
      }),
    },
    { weight: 1, arbitrary: fc.record({ name: anyValueArb, config: fc.oneof(config, anyValueArb) }, { requiredKeys: [] }) },
  );
  return fc.oneof(
    { weight: 4, arbitrary: bodyArb(createBody).map((payload): Call => ({ method: 'POST', url: '/connectors', payload })) },
    { weight: 3, arbitrary: fc.tuple(path('/config'), bodyArb(config)).map(([url, payload]): Call => ({ method: 'PUT', url, payload })) },
    { weight: 2, arbitrary: fc.tuple(path('/config'), bodyArb(config)).map(([url, payload]): Call => ({ method: 'PATCH', url, payload })) },
    { weight: 2, arbitrary: path('').map((url): Call => ({ method: 'DELETE', url })) },
    { weight: 1, arbitrary: path('/pause').map((url): Call => ({ method: 'PUT', url })) },
    { weight: 1, arbitrary: path('/resume').map((url): Call => ({ method: 'PUT', url })) },
    { weight: 1, arbitrary: path('/stop').map((url): Call => ({ method: 'PUT', url })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(path('/restart'), fc.constantFrom('', '?includeTasks=true', '?includeTasks=true&onlyFailed=true', '?onlyFailed=TRUE', '?includeTasks=yes'))
        .map(([url, query]): Call => ({ method: 'POST', url: url + query })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(path('/tasks/'), fc.constantFrom('0', '1', '2', '-1', 'abc', '99999999999', '%30', '0x1', ''))
        .map(([url, task]): Call => ({ method: 'POST', url: `${url}${task}/restart` })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(path(''), fc.constantFrom('', '/status', '/config', '/tasks', '/tasks/0/status', '/topics', '/offsets', '/tasks-config'))
        .map(([url, suffix]): Call => ({ method: 'GET', url: url + suffix })),
    },
    { weight: 1, arbitrary: fc.constantFrom<Call>({ method: 'GET', url: '/connectors' }, { method: 'GET', url: '/connectors?expand=status&expand=info' }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(TEST_SINK_CLASS, 'TestSinkConnector', 'Missing', '%ED%A0%80'), bodyArb(config))
        .map(([plugin, payload]): Call => ({ method: 'PUT', url: `/connector-plugins/${plugin}/config/validate`, payload })),
    },
  );
}

/** A sequence: a small pool of names (so calls meet each other), then steps of one to three concurrent calls. */
const scenarioArb = fc
  .uniqueArray(nameArb, { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc.record({ names: fc.constant(names), steps: fc.array(fc.array(callArb(names), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }) }),
  );

// ------------------------------------------------------------------ running and judging

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** Answers by status and connectors seen at the end of a run, over all runs: the diagnostic shows the fuzz reached the herder. */
const tally = { statuses: new Map<number, number>(), listedAtEnd: 0 };

async function send(app: FastifyInstance, call: Call): Promise<Answer> {
  const what = `${call.method} ${JSON.stringify(call.url)}${call.payload === undefined ? '' : ` ${JSON.stringify(call.payload.slice(0, 200))}`}`;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ANSWER_BOUND_MS} ms`)), ANSWER_BOUND_MS);
  });
  try {
    const res = await Promise.race([
      app.inject({
        method: call.method,
        url: call.url,
        ...(call.payload === undefined ? {} : { payload: call.payload, headers: { 'content-type': 'application/json' } }),
      }),
      hang,
    ]);
    tally.statuses.set(res.statusCode, (tally.statuses.get(res.statusCode) ?? 0) + 1);
    assert.ok(res.statusCode < 500, `${what} answered ${res.statusCode}: ${res.body}`);
    if (res.statusCode >= 400) {
      let parsed: unknown;
      assert.doesNotThrow(() => (parsed = JSON.parse(res.body)), `${what} answered ${res.statusCode} with a body that is not JSON: ${res.body}`);
      assert.deepEqual(Object.keys(parsed as object), ['error_code', 'message'], `${what}: not an error envelope: ${res.body}`);
      assert.equal((parsed as { error_code: unknown }).error_code, res.statusCode, `${what}: error_code differs from the status: ${res.body}`);
    }
    return { status: res.statusCode, body: res.body };
  } finally {
    clearTimeout(timer);
  }
}

/** The names in the SQLite file, read through a connection of its own: what a restart would find. */
function storedNames(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT name FROM connectors').all() as Array<{ name: string }>).map((r) => r.name).sort();
  } finally {
    db.close();
  }
}

/** `GET /connectors`, decoded strictly: valid UTF-8, valid JSON, an array of well-formed strings. */
async function listed(app: FastifyInstance): Promise<string[]> {
  const res = await app.inject({ url: '/connectors' });
  assert.equal(res.statusCode, 200, res.body);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(res.rawPayload);
  const names = JSON.parse(text) as unknown;
  assert.ok(Array.isArray(names) && names.every((n) => typeof n === 'string' && n.isWellFormed()), `GET /connectors: ${text}`);
  return [...(names as string[])].sort();
}

interface Rig {
  readonly app: FastifyInstance;
  readonly fixture: HerderFixture;
  readonly dbPath: string;
  close(): Promise<void>;
}

/** A fresh herder, store file and app per run, so a run (and each shrink of it) starts from nothing. */
async function rig(dir: string, run: number): Promise<Rig> {
  const cleanups: Array<() => unknown> = [];
  const scope = { after: (fn: () => unknown) => void cleanups.push(fn) } as unknown as TestContext;
  const dbPath = join(dir, `run-${run}.db`);
  const fixture = await herderFixture(scope, { dbPath });
  const app = buildApp({ herder: fixture.herder });
  await app.ready();
  return {
    app,
    fixture,
    dbPath,
    async close() {
      await app.close();
      for (const fn of cleanups.reverse()) await fn();
      rmSync(dbPath, { force: true });
      rmSync(`${dbPath}-wal`, { force: true });
      rmSync(`${dbPath}-shm`, { force: true });
    },
  };
}

async function checkAgreement({ app, fixture, dbPath }: Rig): Promise<void> {
  await fixture.herder.idle();
  const names = await listed(app);
  tally.listedAtEnd += names.length;
  assert.deepEqual(storedNames(dbPath), names, 'GET /connectors and the SQLite file list the same names');
  for (const name of names) {
    const res = await app.inject({ url: `/connectors/${encodeURIComponent(name)}/status` });
    assert.equal(res.statusCode, 200, `status of ${JSON.stringify(name)}: ${res.body}`);
    assert.equal((res.json() as { name: string }).name, name, 'the status names the connector it was asked for');
  }
  for (const name of names) {
    const res = await app.inject({ method: 'DELETE', url: `/connectors/${encodeURIComponent(name)}` });
    assert.equal(res.statusCode, 204, `DELETE ${JSON.stringify(name)} by its listed name: ${res.body}`);
  }
  await fixture.herder.idle();
  assert.deepEqual(await listed(app), [], 'nothing listed after deleting every listed connector');
  assert.deepEqual(storedNames(dbPath), [], 'nothing stored after deleting every listed connector');
}

test(`${RUNS} random lifecycle sequences: no 5xx, no hang, error envelopes, and list, status and store agree (seed ${SEED})`, {
  timeout: 120_000,
}, async (t) => {
  t.diagnostic(`fast-check seed ${SEED}, ${RUNS} runs (FUZZ_SEED / FUZZ_RUNS to change)`);
  const dir = mkdtempSync(join(tmpdir(), 'milvus-connect-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let run = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ steps }) => {
      const r = await rig(dir, run++);
      try {
        for (const step of steps) await Promise.all(step.map((call) => send(r.app, call)));
        await checkAgreement(r);
      } finally {
        await r.close();
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: false },
  );
  t.diagnostic(
    `answers by status ${JSON.stringify(Object.fromEntries([...tally.statuses].sort((a, b) => a[0] - b[0])))}; ${tally.listedAtEnd} connectors listed, checked and deleted at the ends of runs`,
  );
});
