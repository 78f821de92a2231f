/**
 * Who may import whom (docs/architecture.md), checked on the import specifiers of every source file.
 * The rules keep the parts testable on their own: the API with a fake herder, the runtime with
 * in-memory stores, connectors without Kafka, SQLite or HTTP.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SRC = join(ROOT, 'src');

interface Import {
  file: string; // relative to src, e.g. api/app.ts
  target: string; // relative to src for project files (runtime/herder.ts), the package name otherwise
  local: boolean;
}

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.split('\\').join('/'));
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map(
    (m) => m[1],
  );
  return specifiers.map((spec) => {
    if (!spec.startsWith('.')) return { file, target: spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0], local: false };
    const target = relative(SRC, resolve(SRC, dirname(file), spec))
      .split('\\')
      .join('/')
      .replace(/\.js$/, '.ts');
    return { file, target, local: true };
  });
}

const all = sourceFiles().flatMap(importsOf);

function violations(from: (file: string) => boolean, allowed: (imp: Import) => boolean): string[] {
  return all.filter((imp) => from(imp.file) && !allowed(imp)).map((imp) => `${imp.file} imports ${imp.target}`);
}

const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);
const nodeBuiltin = (imp: Import) => !imp.local && imp.target.startsWith('node:');

test('api sees the runtime only through the herder interface, its value types and its errors', () => {
  const allowedRuntime = new Set(['runtime/herder/herder.ts', 'runtime/types.ts', 'runtime/errors.ts']);
  assert.deepEqual(
    violations(under('api'), (imp) => !imp.local || under('api')(imp.target) || allowedRuntime.has(imp.target)),
    [],
  );
});

test('runtime uses store interfaces, never a store implementation, and knows nothing of HTTP', () => {
  assert.deepEqual(
    violations(under('runtime'), (imp) =>
      imp.local
        ? under('runtime')(imp.target) || under('plugin')(imp.target) || imp.target === 'store/types.ts'
        : !['fastify', 'better-sqlite3'].includes(imp.target),
    ),
    [],
  );
});

test('store is persistence only: nothing else from src', () => {
  assert.deepEqual(
    violations(under('store'), (imp) => !imp.local || under('store')(imp.target)),
    [],
  );
});

test('the plugin API is a leaf', () => {
  assert.deepEqual(
    violations(under('plugin'), (imp) => (imp.local ? under('plugin')(imp.target) : nodeBuiltin(imp))),
    [],
  );
});

test('converters and connectors see only the plugin API (plus their own SDK)', () => {
  for (const folder of ['converters', 'connectors']) {
    assert.deepEqual(
      violations(under(folder), (imp) =>
        imp.local ? under(folder)(imp.target) || under('plugin')(imp.target) : !['kafkajs', 'fastify', 'better-sqlite3', 'prom-client'].includes(imp.target),
      ),
      [],
      folder,
    );
  }
});

test('transformations and predicates see only the plugin API, and no package at all', () => {
  assert.deepEqual(
    violations(under('transforms'), (imp) => (imp.local ? under('transforms')(imp.target) || under('plugin')(imp.target) : nodeBuiltin(imp))),
    [],
  );
  assert.ok(
    all.some((imp) => under('transforms')(imp.file) && imp.target === 'plugin/index.ts'),
    'the rule sees the transforms folder',
  );
});

test('each third-party client has one home', () => {
  const homes: Record<string, (file: string) => boolean> = {
    kafkajs: under('runtime/kafka'),
    '@platformatic/kafka': under('runtime/kafka'),
    'better-sqlite3': under('store'),
    '@zilliz/milvus2-sdk-node': under('connectors/milvus'),
    'prom-client': (file) => file === 'runtime/metrics.ts',
    fastify: (file) => under('api')(file) || file === 'main.ts',
  };
  const misplaced = all.filter((imp) => !imp.local && homes[imp.target] && !homes[imp.target](imp.file));
  assert.deepEqual(
    misplaced.map((imp) => `${imp.file} imports ${imp.target}`),
    [],
  );
});

test('the Schema Registry converters keep their formats and their HTTP client in src/converters/registry', () => {
  const registry = under('converters/registry');
  // avsc decodes Avro; protobufjs here is the Protobuf format (the Milvus client's own use is ruled below)
  assert.deepEqual(
    violations(
      (file) => !registry(file) && !under('connectors/milvus/client')(file),
      (imp) => imp.local || !['avsc', 'protobufjs'].includes(imp.target),
    ),
    [],
  );
  // only the registry client makes HTTP requests: a converter does no I/O in toConnectData
  const fetching = sourceFiles().filter((f) => under('converters')(f) && /\bfetch\(/.test(readFileSync(join(SRC, f), 'utf8')));
  assert.deepEqual(fetching, ['converters/registry/registry-client.ts']);
});

test('the rules above really see the imports (a sanity check on the scanner)', () => {
  assert.ok(all.some((imp) => imp.file === 'api/app.ts' && imp.target === 'fastify'));
  assert.ok(all.some((imp) => imp.file.startsWith('runtime/kafka/') && imp.target === 'kafkajs'));
  assert.ok(all.some((imp) => imp.file === 'main.ts' && imp.target === 'runtime/herder/connect-herder.ts'));
  assert.ok(all.some((imp) => imp.file === 'converters/registry/avro-data.ts' && imp.target === 'avsc'));
});

describe('runtime: one folder per Kafka Connect concept', () => {
  test('only the worker and distributed mode (its stores and coordinator) run Kafka clients: nothing else in runtime imports runtime/kafka', () => {
    assert.deepEqual(
      violations(
        (file) => under('runtime')(file) && !under('runtime/kafka')(file) && !under('runtime/worker')(file) && !under('runtime/distributed')(file),
        (imp) => !under('runtime/kafka')(imp.target),
      ),
      [],
    );
  });

  test('the herder drives the worker through its interface only, never its implementation', () => {
    assert.deepEqual(
      violations(under('runtime/herder'), (imp) => !under('runtime/worker')(imp.target) || imp.target === 'runtime/worker/worker.ts'),
      [],
    );
  });

  test('configs and statuses are leaves of the runtime: they know no herder and no worker', () => {
    for (const folder of ['runtime/config', 'runtime/status']) {
      assert.deepEqual(
        violations(under(folder), (imp) => !under('runtime/herder')(imp.target) && !under('runtime/worker')(imp.target)),
        [],
        folder,
      );
    }
  });

  test('the distributed coordination serves the herder (implementing its Membership) and never reaches into it or into the worker', () => {
    const membership = 'runtime/herder/membership.ts';
    assert.deepEqual(
      violations(
        under('runtime/distributed'),
        (imp) => (imp.target === membership || !under('runtime/herder')(imp.target)) && !under('runtime/worker')(imp.target),
      ),
      [],
    );
  });

  test('the worker never reaches back into the herder', () => {
    assert.deepEqual(
      violations(under('runtime/worker'), (imp) => !under('runtime/herder')(imp.target)),
      [],
    );
  });
});

describe("the worker: each task's hot path runs in a task thread", () => {
  // (the sink consumer is not among them: the offsets admin joins a group with it, on the main thread)
  const hotPath = new Set(['runtime/worker/worker-sink-task.ts', 'runtime/worker/convert-messages.ts', 'runtime/kafka/dlq-producer.ts']);
  const ENTRY = 'runtime/worker/task-thread-entry.ts';

  test("the main thread's side never imports the task loop, its conversion or its DLQ producer: only the thread's side does", () => {
    // what the main thread loads: everything the composition root reaches without passing the thread entry
    const mainThread = new Set<string>();
    const visit = (file: string): void => {
      if (mainThread.has(file) || file === ENTRY) return;
      mainThread.add(file);
      for (const imp of all) if (imp.local && imp.file === file && !imp.target.startsWith('plugin/')) visit(imp.target);
    };
    visit('main.ts');
    assert.deepEqual(
      [...hotPath].filter((file) => mainThread.has(file)),
      [],
    );
    assert.ok(all.some((imp) => imp.file === ENTRY && imp.target === 'runtime/worker/hosted-task.ts'));
    assert.ok(all.some((imp) => imp.file === 'runtime/worker/hosted-task.ts' && imp.target === 'runtime/worker/worker-sink-task.ts'));
  });

  test('nothing imports the thread entry: the worker starts it as a thread, by URL', () => {
    assert.deepEqual(
      all.filter((imp) => imp.local && imp.target === ENTRY).map((imp) => imp.file),
      [],
    );
  });
});

/** Every import cycle among source files, each as the list of files it passes through (type-only imports included). */
function importCycles(): string[][] {
  const graph = new Map<string, string[]>();
  for (const imp of all) if (imp.local) graph.set(imp.file, [...(graph.get(imp.file) ?? []), imp.target]);
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push(path.slice(path.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

test('there are no import cycles anywhere in src', () => {
  assert.deepEqual(
    importCycles().map((cycle) => cycle.join(' → ')),
    [],
  );
});

describe('the Milvus sink: rows, writes and the client each have one home', () => {
  const MILVUS = 'connectors/milvus';
  const rows = under(`${MILVUS}/rows`);
  const write = under(`${MILVUS}/write`);
  const client = under(`${MILVUS}/client`);
  // the Milvus SDK and the transport and encoder underneath it
  const clientPackages = new Set(['@zilliz/milvus2-sdk-node', '@grpc/grpc-js', 'protobufjs']);

  test('only the client part imports the Milvus SDK, gRPC or protobuf', () => {
    assert.deepEqual(
      violations(under(MILVUS), (imp) => imp.local || !clientPackages.has(imp.target) || client(imp.file)),
      [],
    );
  });

  test('the record → row part imports neither the write part nor the client part', () => {
    assert.deepEqual(
      violations(rows, (imp) => !imp.local || !(write(imp.target) || client(imp.target))),
      [],
    );
  });

  test('the write part never reaches the client part: it talks to Milvus through the RowSink it is given', () => {
    assert.deepEqual(
      violations(write, (imp) => !imp.local || !client(imp.target)),
      [],
    );
  });

  test('only the write door (client/fast-write.ts) reaches the SDK fast path, in src and in the benchmark', () => {
    const door = `${MILVUS}/client/fast-write.ts`;
    const fastPath = new Set(['request-encoding.ts', 'encoded-call.ts', 'column-request.ts'].map((f) => `${MILVUS}/client/${f}`));
    const benchImports = readdirSync(join(ROOT, 'bench'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => importsOf(relative(SRC, join(ROOT, 'bench', f))));
    const reaching = [...all, ...benchImports].filter((imp) => imp.local && fastPath.has(imp.target) && imp.file !== door && !fastPath.has(imp.file));
    assert.deepEqual(
      reaching.map((imp) => `${imp.file} imports ${imp.target}`),
      [],
    );
    assert.ok(
      benchImports.some((imp) => imp.target === door),
      'the benchmark writes through the door',
    );
  });

  test('there are no import cycles in the Milvus sink', () => {
    const edges = new Map<string, string[]>();
    for (const imp of all) {
      if (imp.local && under(MILVUS)(imp.file) && under(MILVUS)(imp.target)) edges.set(imp.file, [...(edges.get(imp.file) ?? []), imp.target]);
    }
    assert.deepEqual(cyclesIn(edges), []);
  });

  test('the cycle check finds a cycle (a sanity check on it)', () => {
    assert.deepEqual(
      cyclesIn(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
      ['a → b → c → a'],
    );
  });
});

/** Every import cycle in a graph, each named once by the path that closes it. */
function cyclesIn(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): void => {
    const at = path.indexOf(node);
    if (at >= 0) {
      cycles.push([...path.slice(at), node].join(' → '));
      return;
    }
    if (done.has(node)) return;
    path.push(node);
    for (const next of edges.get(node) ?? []) visit(next);
    path.pop();
    done.add(node);
  };
  for (const node of [...edges.keys()].sort()) visit(node);
  return cycles;
}
