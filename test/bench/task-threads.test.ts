import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BackfillResult } from '../../bench/backfill.js';
import { parseOptions, type BenchOptions } from '../../bench/options.js';
import { renderTables, restDuringBackfillTarget, taskThreadTargets, verdict, type BenchResults, type RestDuringBackfill } from '../../bench/report.js';
import type { RestLoadResult } from '../../bench/rest-load.js';
import { MiB } from '../../bench/stats.js';

function backfillAt(recordsPerSecond: number, cpuMsPer1000: number, peakRssMiB: number, eldP99 = 2): BackfillResult {
  return {
    dim: 768,
    records: 20_000,
    seconds: 20_000 / recordsPerSecond,
    recordsPerSecond,
    cpuMsPer1000,
    peakRssBytes: peakRssMiB * MiB,
    rssFirstHalfMax: 0,
    rssSecondHalfMax: 0,
    rowsPerRequest: 1000,
    probe: { eventLoopDelayMs: { p99: eldP99, max: eldP99 * 3 }, gc: { ms: 0 } },
  } as unknown as BackfillResult;
}

function resultsWith(tasksSweep: BenchResults['tasksSweep'], restDuringBackfill: RestDuringBackfill | null = null): BenchResults {
  const main = tasksSweep.find((e) => e.tasks === 4)?.service ?? backfillAt(2_000, 90, 200);
  return {
    run: {},
    machine: {},
    versions: {},
    settings: {},
    steady: null,
    steadyCeiling: null,
    rest: { loaded: [], idle: [], ceilings: [] },
    backfills: [{ service: main, milvusCeiling: null, milvusCeilingParts: [], kafkaCeiling: null, ratio: null }],
    batchSweep: [],
    tasksSweep,
    restDuringBackfill,
    targets: [],
  };
}

function statusLoad(p99: number, failures = 0): RestLoadResult {
  return {
    path: '/connectors/bench-768-rest/status',
    seconds: 5,
    targetRate: 500,
    connections: 10,
    requests: 2_500,
    requestsPerSecond: 500,
    latencyMs: { p50: 1, p99, max: p99 * 2, mean: 1 },
    non2xx: failures,
    errors: 0,
    timeouts: 0,
  };
}

describe('benchmark rows for tasks in threads of their own', () => {
  test('by default the sweep runs tasks.max 1, 2 and 4, never more tasks than partitions', () => {
    assert.deepEqual((parseOptions([]) as BenchOptions).tasksSweep, [1, 2, 4]);
    assert.deepEqual((parseOptions(['--quick']) as BenchOptions).tasksSweep, [1, 2, 4]);
    assert.deepEqual((parseOptions(['--partitions', '2']) as BenchOptions).tasksSweep, [1, 2]);
    assert.deepEqual((parseOptions(['--tasks-sweep', 'none']) as BenchOptions).tasksSweep, []);
    assert.deepEqual((parseOptions(['--tasks-sweep', '2,2,1']) as BenchOptions).tasksSweep, [2, 1]);
    assert.throws(() => parseOptions(['--partitions', '2', '--tasks-sweep', '1,4']), /--tasks-sweep 4 needs at least 4 partitions/);
  });

  test('CPU per 1,000 records is a target at tasks.max 1, peak RSS at tasks.max 4; the rest is information', () => {
    const targets = taskThreadTargets(
      resultsWith([
        { tasks: 1, service: backfillAt(1_800, 100, 180) },
        { tasks: 2, service: backfillAt(2_200, 95, 220) },
        { tasks: 4, service: backfillAt(2_600, 110, 301) },
      ]),
      768,
    );
    const named = (name: string) => targets.find((t) => t.name === name);
    assert.deepEqual(named('service CPU per 1,000 768-dim JSON records at tasks.max 1'), {
      name: 'service CPU per 1,000 768-dim JSON records at tasks.max 1',
      figure: '100.0 ms',
      limit: '≤ 100 ms',
      pass: true,
    });
    assert.equal(named('service peak RSS during the backfill at tasks.max 4')?.figure, '301 MiB');
    assert.equal(named('service peak RSS during the backfill at tasks.max 4')?.pass, false);
    assert.equal(named('backfill 768-dim at tasks.max 2')?.figure, '2,200 rows/s, 95.0 ms CPU per 1,000');
    assert.equal(named('backfill 768-dim at tasks.max 2')?.pass, 'info');
    assert.equal(named('main-thread event-loop delay p99 during the backfill (tasks.max 4)')?.figure, '2.0 ms (max 6.0 ms)');
  });

  test('rows of a tasks.max that did not run read NOT RUN, not a figure', () => {
    const targets = taskThreadTargets(resultsWith([{ tasks: 4, service: backfillAt(2_600, 80, 250) }]), 768);
    const cpuAtOne = targets.find((t) => t.name.endsWith('at tasks.max 1') && t.name.startsWith('service CPU'));
    assert.equal(cpuAtOne?.pass, null);
    assert.equal(verdict(cpuAtOne!.pass), 'NOT RUN');
    assert.equal(targets.find((t) => t.name === 'backfill 768-dim at tasks.max 1')?.figure, 'n/a');
    assert.equal(targets.find((t) => t.name.includes('peak RSS'))?.pass, true);
  });

  test('REST status during the backfill passes at p99 ≤ 5 ms with every answer a 2xx', () => {
    const during = (rest: RestLoadResult, withinBackfill = true): RestDuringBackfill => ({
      tasks: 4,
      service: backfillAt(2_000, 90, 200),
      rest,
      withinBackfill,
    });
    assert.equal(restDuringBackfillTarget(during(statusLoad(5))).pass, true);
    assert.equal(restDuringBackfillTarget(during(statusLoad(5.1))).pass, false);
    const failing = restDuringBackfillTarget(during(statusLoad(2, 3)));
    assert.equal(failing.pass, false);
    assert.equal(failing.figure, '2.0 ms (tasks.max 4, 3 failed requests)');
    assert.equal(restDuringBackfillTarget(null).pass, null);
  });

  test('a REST load that outlasted the backfill is not counted as measured during it', () => {
    const target = restDuringBackfillTarget({ tasks: 4, service: backfillAt(2_000, 90, 200), rest: statusLoad(1), withinBackfill: false });
    assert.equal(target.pass, null);
    assert.match(target.figure, /the backfill ended before the load/);
  });

  test('the tables show the tasks.max sweep and the REST load during the backfill', () => {
    const results = resultsWith([{ tasks: 1, service: backfillAt(1_800, 100, 180, 1.5) }], {
      tasks: 4,
      service: backfillAt(2_000, 90, 200),
      rest: statusLoad(4.2),
      withinBackfill: true,
    });
    const tables = renderTables(results);
    assert.match(tables, /\| 1 +\| +20,000 \| +1,800 \| +100\.0 \| +180 \| +1\.5 \| +1,000 \|/);
    assert.match(tables, /\| backfilling GET \/connectors\/\{c\}\/status \| +500\/s \| +500 \| +1\.0 \| +4\.2 \|/);
  });
});
