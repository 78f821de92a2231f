/**
 * `npm run bench`: how close the service comes to what Kafka and Milvus allow, measured in one run on
 * one machine. Starts a private stack and the service, runs the workloads (backfill with its ceilings,
 * steady latency with REST load, idle REST, backfill variants), prints the tables with the targets as
 * PASS/FAIL and writes everything to bench/results/<run>.json. See docs/benchmark.md.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { consumerOptions, withPrefix } from '../src/runtime/kafka/client-config.js';
import { backfill } from './backfill.js';
import { startStack, type BenchStack } from './bench-stack.js';
import { combineCeilings, kafkaCeiling, milvusCeiling, type CeilingResult } from './ceilings.js';
import { createTopic, kafkaClient, produceRange } from './dataset.js';
import { machine, versions } from './environment.js';
import { dropCollection, openMilvus } from './milvus.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { say } from './progress.js';
import { evaluateTargets, ratioOf, renderTables, writeResults, type BenchResults, type RestDuringBackfill } from './report.js';
import { restCeilings } from './rest-ceiling.js';
import { restLoad, restLoadWithCpu, type RestLoadResult } from './rest-load.js';
import { buildService, REPO, Service } from './service.js';
import { cpuSeconds } from './process-stats.js';
import { sleep } from './stats.js';
import { steady } from './steady.js';
import { milvusSteadyCeiling } from './steady-ceiling.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
// a stray rejection inside a client library must not end a 15-minute run unseen: say it loudly instead
process.on('unhandledRejection', (error: unknown) => {
  say(`warning: unhandled rejection: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
});
const COUNT_INTERVAL_MS = 250;

function connectorConfig(o: BenchOptions, stack: BenchStack, topic: string, collection: string): Record<string, string> {
  return {
    'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
    'tasks.max': String(o.tasks),
    topics: topic,
    'public.endpoint': `http://${stack.milvusAddress}`,
    'collection.name': collection,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'batch.max.rows': String(o.batchRows),
    'max.in.flight.requests': String(o.inFlight),
    ...o.connectorProps,
  };
}

/** The kafkajs fetch settings the service's consumers get, so the Kafka ceiling uses the same ones. */
function serviceConsumerSettings(o: BenchOptions, bootstrap: string) {
  const props = { ...withPrefix('consumer.', o.workerProps), ...withPrefix('consumer.override.', o.connectorProps) };
  const { consumer } = consumerOptions(props, { bootstrapServers: [bootstrap], clientId: 'bench', groupId: 'bench' });
  return {
    maxBytes: consumer.maxBytes!,
    maxBytesPerPartition: consumer.maxBytesPerPartition!,
    minBytes: consumer.minBytes!,
    maxWaitTimeInMs: consumer.maxWaitTimeInMs!,
  };
}

/** What the sink sends for the bench collections (autoID=false), so that the ceilings send the same. */
function writeMethod(o: BenchOptions): 'Upsert' | 'Insert' {
  return o.connectorProps['milvus.write.mode']?.toLowerCase() === 'insert' ? 'Insert' : 'Upsert';
}

/** CPU seconds of these processes together; throws when one has ended (a stack server died mid-run). */
function cpuSecondsOf(pids: readonly number[]): number {
  return pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
}

/** Runs `phase` and measures the cores the broker and Milvus Lite used meanwhile (what the others left them). */
async function withStackCores<T>(stackPids: readonly number[], phase: () => Promise<T>): Promise<{ result: T; stackCpuCores: number }> {
  const before = cpuSecondsOf(stackPids);
  const started = performance.now();
  const result = await phase();
  return { result, stackCpuCores: (cpuSecondsOf(stackPids) - before) / ((performance.now() - started) / 1000) };
}

/** The three endpoints, one after the other, each for `seconds`. */
async function restPhase(
  service: Service,
  stackPids: readonly number[],
  connector: string,
  seconds: number,
  connections: number,
  rate?: number,
): Promise<RestLoadResult[]> {
  const out: RestLoadResult[] = [];
  for (const path of ['/connectors', `/connectors/${connector}/status`, `/connectors/${connector}/config`]) {
    const load = { baseUrl: service.url, path, seconds, connections, rate };
    // at a fixed rate during ingestion the service's CPU is mostly the sink's: per request only when idle
    const { result, stackCpuCores } = await withStackCores(stackPids, () => (rate === undefined ? restLoadWithCpu(service.pid, load) : restLoad(load)));
    result.stackCpuCores = stackCpuCores;
    say(
      `REST ${rate ? `${rate} req/s` : 'max'} GET ${path}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`,
    );
    out.push(result);
  }
  return out;
}

/**
 * The main topic once more at --tasks, with GET …/status at --rest-rate from the first visible row on,
 * for 60 % of the main backfill's time from its first rows to its last, so that the load falls within
 * the backfill at full rate.
 */
async function restDuringBackfill(
  o: BenchOptions,
  stack: BenchStack,
  service: Service,
  milvus: MilvusClient,
  main: { connector: string; topic: string; dim: number; records: number; suffix: string; writingSeconds: number },
): Promise<RestDuringBackfill> {
  const connector = `${main.connector}-rest`;
  const collection = `bench_${main.dim}_rest_${main.suffix}`;
  const seconds = Math.max(1, Math.floor(main.writingSeconds * 0.6));
  say(`— ${main.dim}-dim backfill with GET /connectors/${connector}/status at ${o.restRate} req/s for ${seconds} s —`);
  let load: Promise<{ rest: RestLoadResult; endedAtMs: number }> | undefined;
  const result = await backfill({
    service,
    milvus,
    connector,
    connectorConfig: connectorConfig(o, stack, main.topic, collection),
    collection,
    dim: main.dim,
    records: main.records,
    countIntervalMs: COUNT_INTERVAL_MS,
    onFirstRows: () => {
      load = restLoad({ baseUrl: service.url, path: `/connectors/${connector}/status`, seconds, connections: 10, rate: o.restRate }).then((rest) => ({
        rest,
        endedAtMs: performance.now(),
      }));
      load.catch(() => undefined); // awaited below; a failure must not surface as unhandled first
    },
  });
  if (!load) throw new Error(`the backfill of ${connector} ended without a visible row`);
  const { rest, endedAtMs } = await load;
  say(`REST ${o.restRate} req/s during the backfill: p50 ${rest.latencyMs.p50} ms, p99 ${rest.latencyMs.p99} ms`);
  await service.deleteConnector(connector);
  await dropCollection(milvus, collection);
  return { tasks: o.tasks, service: result, rest, withinBackfill: endedAtMs <= result.doneAtMs };
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') return void process.stdout.write(USAGE);
  const o = parsed;
  const runId = `${new Date()
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d+Z$/, 'Z')}${o.quick ? '-quick' : ''}`;
  const runDir = join(REPO, '.cache', 'bench', 'runs', runId);
  mkdirSync(runDir, { recursive: true });
  const resultsFile = join(REPO, 'bench', 'results', `${runId}.json`);
  const startedAt = new Date().toISOString();

  const build = o.runtime === 'dist' ? buildService() : { entry: '', typeErrors: false };
  const stack = await startStack(`bench-${process.pid}`);
  let service: Service | undefined;
  let milvus: MilvusClient | undefined;
  let failed = true;
  const cleanup = async (): Promise<void> => {
    await service?.stop().catch(() => undefined);
    await milvus?.closeConnection().catch(() => undefined);
    await stack.stop(failed);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping the service and the stack…`);
      void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }

  try {
    const kafka = kafkaClient(stack.kafkaBootstrap, 'bench');
    milvus = await openMilvus(stack.milvusAddress);
    if (process.env.BENCH_TRACE_CLOSE === '1') {
      const client = milvus;
      const close = client.closeConnection.bind(client);
      client.closeConnection = () => {
        say(`trace: the harness's Milvus client is being closed:\n${new Error('closeConnection').stack}`);
        return close();
      };
    }
    service = await Service.start({
      runDir,
      kafkaBootstrap: stack.kafkaBootstrap,
      runtime: o.runtime,
      entry: build.entry,
      workerProps: o.workerProps,
      cpuProf: o.cpuProf,
    });
    const consumer = serviceConsumerSettings(o, stack.kafkaBootstrap);
    const suffix = runId.replace(/\D/g, '').slice(-8);
    const method = writeMethod(o);
    const results: BenchResults = {
      run: {
        id: runId,
        startedAt,
        label: o.label,
        quick: o.quick,
        options: o,
        serviceRuntime: o.runtime,
        buildHadTypeErrors: build.typeErrors,
        serviceLog: service.logFile,
      },
      machine: machine(),
      versions: versions(stack.versions),
      settings: {
        consumer,
        countIntervalMs: COUNT_INTERVAL_MS,
        workerProps: o.workerProps,
        connector: connectorConfig(o, stack, 'bench-<dim>', `bench_<dim>_${suffix}`),
      },
      backfills: [],
      batchSweep: [],
      tasksSweep: [],
      restDuringBackfill: null,
      steady: null,
      steadyCeiling: null,
      rest: { loaded: [], idle: [], ceilings: [] },
      targets: [],
    };

    for (const dim of [o.dim, ...o.variants.filter((d) => d !== o.dim)]) {
      const main = dim === o.dim;
      // small vectors go fast: as many as the main run; large ones a quarter, to keep the run's length
      const records = main ? o.records : (o.variantRecords ?? (dim <= 256 ? o.records : Math.round(o.records / 4)));
      const topic = `bench-${dim}`;
      const collection = `bench_${dim}_${suffix}`;
      const connector = `bench-${dim}`;
      say(`— ${dim}-dim: ${records.toLocaleString('en-US')} records in ${o.partitions} partitions —`);
      await createTopic(kafka, topic, o.partitions);
      await produceRange(kafka, topic, o.partitions, dim, 0, records, `produce ${dim}-dim`);
      const kafkaResult = o.skipCeilings
        ? null
        : await kafkaCeiling({ kafka, topic, records, tasks: o.tasks, groupId: `bench-kafka-ceiling-${dim}`, consumer });
      // the Milvus ceiling brackets the service's run: half of the rows before it, half after (into the
      // same collection, so it grows as large as the service's), so that drift of a shared machine over
      // the run affects both sides alike
      const half = Math.floor(records / 2);
      const ceiling = (from: number, to: number, part: 'first' | 'last') =>
        milvusCeiling({
          part,
          milvusAddress: stack.milvusAddress,
          collection: `ceiling_${dim}_${suffix}`,
          from,
          to,
          dim,
          partitions: o.partitions,
          tasks: o.tasks,
          batchRows: o.batchRows,
          inFlight: o.inFlight,
          method,
          countIntervalMs: COUNT_INTERVAL_MS,
          keep: main && o.steady,
        });
      const milvusBefore = o.skipCeilings ? null : await ceiling(0, half, 'first');
      const config = connectorConfig(o, stack, topic, collection);
      const result = await backfill({ service, milvus, connector, connectorConfig: config, collection, dim, records, countIntervalMs: COUNT_INTERVAL_MS });
      const milvusAfter = o.skipCeilings ? null : await ceiling(half, records, 'last');
      const milvusResult = milvusBefore && milvusAfter ? combineCeilings([milvusBefore, milvusAfter]) : null;
      if (main && o.tasksSweep.includes(o.tasks)) results.tasksSweep.push({ tasks: o.tasks, service: result });
      results.backfills.push({
        service: result,
        milvusCeiling: milvusResult,
        milvusCeilingParts: milvusBefore && milvusAfter ? [milvusBefore, milvusAfter] : [],
        kafkaCeiling: kafkaResult,
        ratio: ratioOf(result, milvusResult, kafkaResult),
      });

      if (main && o.steady) {
        const rate = Math.max(1, Math.round(result.recordsPerSecond / 2));
        // REST load at a fixed rate on each endpoint in turn while the steady phase runs
        const slice = Math.max(1, Math.floor((o.steadySeconds - 4) / 3));
        const loaded = sleep(2_000).then(() => restPhase(service!, stack.pids, connector, slice, 10, o.restRate));
        loaded.catch(() => undefined); // awaited below; a failure must not surface as unhandled first
        const measured = await withStackCores(stack.pids, () =>
          steady({
            kafka,
            milvus: milvus!,
            service: service!,
            connector,
            topic,
            collection,
            partitions: o.partitions,
            dim,
            firstId: records,
            ratePerSecond: rate,
            seconds: o.steadySeconds,
          }),
        );
        results.steady = { ...measured.result, stackCpuCores: measured.stackCpuCores };
        results.rest.loaded.push(...(await loaded));
        await service.assertHealthy(connector);
        say('idle REST phase (the connector is running with nothing to consume)…');
        await sleep(2_000);
        results.rest.idle.push(...(await restPhase(service, stack.pids, connector, o.restIdleSeconds, o.restConnections)));
        if (!o.skipCeilings) {
          const path = `/connectors/${connector}/status`;
          results.rest.ceilings.push(...(await restCeilings({ serviceUrl: service.url, path, seconds: o.restIdleSeconds, connections: o.restConnections })));
          for (const c of results.rest.ceilings)
            say(
              `REST max, bare ${c.server}, GET ${path}: ${Math.round(c.requestsPerSecond)} req/s, ${Math.round(c.serviceCpuUsPerRequest ?? 0)} µs CPU per request`,
            );
          const ceilingCollection = `ceiling_${dim}_${suffix}`;
          const ceiling = await withStackCores(stack.pids, () =>
            milvusSteadyCeiling({
              milvusAddress: stack.milvusAddress,
              collection: ceilingCollection,
              firstId: records,
              dim,
              partitions: o.partitions,
              tasks: o.tasks,
              inFlight: o.inFlight,
              batchRows: o.batchRows,
              method,
              ratePerSecond: rate,
              seconds: o.steadySeconds,
            }),
          );
          results.steadyCeiling = { ...ceiling.result, stackCpuCores: ceiling.stackCpuCores };
          await dropCollection(milvus, ceilingCollection);
        }
      }
      await service.deleteConnector(connector);
      await dropCollection(milvus, collection);
      if (main) {
        // one more backfill of the same topic by a connector of its own (a new group: it reads from the
        // start) into a fresh collection, with `overrides` on the connector config
        const [sweepService, sweepMilvus] = [service, milvus];
        const sweep = async (name: string, sweepCollection: string, overrides: Record<string, string>) => {
          const swept = await backfill({
            service: sweepService,
            milvus: sweepMilvus,
            connector: name,
            connectorConfig: { ...connectorConfig(o, stack, topic, sweepCollection), ...overrides },
            collection: sweepCollection,
            dim,
            records,
            countIntervalMs: COUNT_INTERVAL_MS,
          });
          await sweepService.deleteConnector(name);
          await dropCollection(sweepMilvus, sweepCollection);
          return swept;
        };
        // what Milvus alone does with requests of each swept size, once per size, just before the service's first run at it
        const sweepCeilings = new Map<number, CeilingResult>();
        for (const [i, batchRows] of o.batchSweep.entries()) {
          say(`— ${dim}-dim at batch.max.rows=${batchRows} —`);
          if (!o.skipCeilings && !sweepCeilings.has(batchRows)) {
            const alone = await milvusCeiling({
              part: 'only',
              milvusAddress: stack.milvusAddress,
              collection: `ceiling_${dim}_b${batchRows}_${suffix}`,
              from: 0,
              to: records,
              dim,
              partitions: o.partitions,
              tasks: o.tasks,
              batchRows,
              inFlight: o.inFlight,
              method,
              countIntervalMs: COUNT_INTERVAL_MS,
            });
            sweepCeilings.set(batchRows, alone);
          }
          const swept = await sweep(`${connector}-b${batchRows}-${i}`, `bench_${dim}_b${batchRows}_${i}_${suffix}`, { 'batch.max.rows': String(batchRows) });
          results.batchSweep.push({ batchRows, service: swept, milvusCeiling: sweepCeilings.get(batchRows) ?? null });
        }
        // the same topic at the other tasks.max: the tasks share the partitions (and the connector's task threads)
        for (const tasks of o.tasksSweep.filter((t) => t !== o.tasks)) {
          say(`— ${dim}-dim at tasks.max=${tasks} —`);
          const swept = await sweep(`${connector}-t${tasks}`, `bench_${dim}_t${tasks}_${suffix}`, { 'tasks.max': String(tasks) });
          results.tasksSweep.push({ tasks, service: swept });
        }
        results.tasksSweep.sort((a, b) => a.tasks - b.tasks);
        if (o.steady) {
          results.restDuringBackfill = await restDuringBackfill(o, stack, service, milvus, {
            connector,
            topic,
            dim,
            records,
            suffix,
            writingSeconds: result.seconds - result.firstRowsSeconds,
          });
        }
      }
    }

    results.targets = evaluateTargets(results, o.dim, o.batchRows);
    (results.run as Record<string, unknown>).finishedAt = new Date().toISOString();
    (results.machine as Record<string, unknown>).loadAverageAtEnd = (await import('node:os')).loadavg();
    writeResults(resultsFile, results);
    process.stdout.write(`\n${renderTables(results)}\n\n`);
    say(`results: ${resultsFile.replace(`${REPO}/`, '')}; service log and profiles: ${runDir.replace(`${REPO}/`, '')}`);
    failed = false;
  } finally {
    await cleanup();
  }
}

main()
  .catch((error: unknown) => {
    say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  // everything is stopped by now; client libraries may still hold timers (kafkajs, gRPC)
  .finally(() => process.exit());
