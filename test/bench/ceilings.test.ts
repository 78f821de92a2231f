import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ceilingResult as part, combineCeilings } from '../../bench/ceilings.js';
import { evaluateTargets, renderTables, steadyLatencyTarget, type BenchResults } from '../../bench/report.js';
import type { BackfillResult } from '../../bench/backfill.js';

describe('benchmark ceilings', () => {
  test('two bracketing Milvus runs count as one: rows over time, client CPU over rows', () => {
    // 10 and 30 ms of CPU per 1,000 rows
    const combined = combineCeilings([part(1_000, 1, 0.01), part(3_000, 3, 0.09)]);
    assert.equal(combined.records, 4_000);
    assert.equal(combined.recordsPerSecond, 1_000);
    // 10 ms + 90 ms of CPU for 4,000 rows
    assert.ok(Math.abs(combined.clientCpuMsPer1000 - 25) < 1e-9, String(combined.clientCpuMsPer1000));
  });

  test('the CPU target shows what the two clients alone cost, and the table what the service adds to them', () => {
    const service = {
      dim: 768,
      records: 10_000,
      seconds: 4,
      recordsPerSecond: 2_500,
      cpuMsPer1000: 140,
      peakRssBytes: 0,
      rssFirstHalfMax: 0,
      rssSecondHalfMax: 0,
      probe: { eventLoopDelayMs: { p99: 1 }, gc: { ms: 0 } },
    } as unknown as BackfillResult;
    const results = {
      run: {},
      machine: {},
      versions: {},
      settings: {},
      steady: null,
      steadyCeiling: null,
      rest: { loaded: [], idle: [], ceilings: [] },
      backfills: [{ service, milvusCeiling: part(10_000, 4, 0.25), milvusCeilingParts: [], kafkaCeiling: part(10_000, 1, 0.35), ratio: 1 }],
      batchSweep: [],
      tasksSweep: [],
      restDuringBackfill: null,
      targets: [],
    } as BenchResults;
    results.targets = evaluateTargets(results, 768, 1000);
    const cpu = results.targets.find((t) => t.name.startsWith('service CPU'));
    assert.equal(cpu?.figure, '140.0 ms (clients alone 60.0 ms)');
    assert.equal(cpu?.pass, 'info', 'the CPU target is the one at tasks.max 1');
    assert.match(renderTables(results), /\| 768-dim +\| +140\.0 \| +35\.0 \| +25\.0 \| +60\.0 \| +80\.0 \|/);
  });

  test('produce→visible passes within 1.5 times the p99 of Milvus alone at the same rate, with nothing missing', () => {
    const at = (p99: number, missing = 0) => ({ latencyMs: { p99 }, missing }) as unknown as NonNullable<BenchResults['steady']>;
    const ceiling = { latencyMs: { p99: 1_000 } } as unknown as NonNullable<BenchResults['steadyCeiling']>;
    assert.deepEqual(steadyLatencyTarget({ steady: at(1_500), steadyCeiling: ceiling }), {
      name: 'produce→visible p99 at 50% of the backfill rate vs Milvus alone',
      figure: '1.50 × (1,500 vs 1,000 ms)',
      limit: '≤ 1.5 × Milvus alone',
      pass: true,
    });
    assert.equal(steadyLatencyTarget({ steady: at(1_501), steadyCeiling: ceiling }).pass, false);
    assert.equal(steadyLatencyTarget({ steady: at(900, 3), steadyCeiling: ceiling }).pass, false);
    assert.equal(steadyLatencyTarget({ steady: at(900), steadyCeiling: null }).pass, null, 'no ceiling, no ratio');
  });

  test('the small-batch target compares the median rate at 200 rows per request with the one at 1,000', () => {
    const at = (recordsPerSecond: number) =>
      ({
        dim: 768,
        records: 10_000,
        seconds: 10_000 / recordsPerSecond,
        recordsPerSecond,
        cpuMsPer1000: 100,
        peakRssBytes: 0,
        rssFirstHalfMax: 0,
        rssSecondHalfMax: 0,
        probe: { eventLoopDelayMs: { p99: 1 }, gc: { ms: 0 } },
      }) as unknown as BackfillResult;
    const results = {
      run: {},
      machine: {},
      versions: {},
      settings: {},
      steady: null,
      steadyCeiling: null,
      rest: { loaded: [], idle: [], ceilings: [] },
      backfills: [{ service: at(2_000), milvusCeiling: null, milvusCeilingParts: [], kafkaCeiling: null, ratio: null }],
      // 1,000 again (median of 2,000 and 2,400: 2,200), 200 three times (median 1,700)
      batchSweep: [
        { batchRows: 200, service: at(1_700) },
        { batchRows: 1000, service: at(2_400) },
        { batchRows: 200, service: at(600) },
        { batchRows: 200, service: at(1_800) },
      ],
      tasksSweep: [],
      restDuringBackfill: null,
      targets: [],
    } as BenchResults;
    const target = evaluateTargets(results, 768, 1000).find((t) => t.name.startsWith('backfill at batch.max.rows=200'));
    assert.equal(target?.figure, '77.3% (1,700 vs 2,200 rows/s at 1,000)');
    assert.equal(target?.pass, true);
    assert.equal(evaluateTargets({ ...results, batchSweep: [] }, 768, 1000).find((t) => t.name.startsWith('backfill at batch'))?.pass, null);

    // where Milvus alone takes 200-row requests more slowly than the service's 1,000-row rate, that is the yardstick
    const slowMilvus = { ...part(10_000, 10, 0.1), recordsPerSecond: 1_000 };
    const withCeiling = { ...results, batchSweep: results.batchSweep.map((e) => (e.batchRows === 200 ? { ...e, milvusCeiling: slowMilvus } : e)) };
    const bounded = evaluateTargets(withCeiling, 768, 1000).find((t) => t.name.startsWith('backfill at batch.max.rows=200'));
    assert.equal(bounded?.figure, '170.0% (1,700 vs 2,200 rows/s at 1,000; Milvus alone at 200: 1,000 rows/s)');
    assert.equal(bounded?.pass, true);
    const fastMilvus = { ...part(10_000, 1, 0.1), recordsPerSecond: 9_000 };
    const unbounded = { ...results, batchSweep: results.batchSweep.map((e) => (e.batchRows === 200 ? { ...e, milvusCeiling: fastMilvus } : e)) };
    assert.equal(
      evaluateTargets(unbounded, 768, 1000).find((t) => t.name.startsWith('backfill at batch.max.rows=200'))?.figure,
      '77.3% (1,700 vs 2,200 rows/s at 1,000; Milvus alone at 200: 9,000 rows/s)',
    );
  });
});
