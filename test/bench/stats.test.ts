import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { percentile, summarise } from '../../bench/stats.js';

describe('benchmark statistics', () => {
  test('percentiles are nearest-rank over the unsorted samples', () => {
    const samples = [50, 10, 40, 20, 30];
    assert.equal(percentile(samples, 50), 30);
    assert.equal(percentile(samples, 99), 50);
    assert.equal(percentile(samples, 1), 10);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  test('a summary of no samples is NaN, not a figure', () => {
    const summary = summarise([]);
    assert.equal(summary.count, 0);
    assert.ok(Number.isNaN(summary.p50) && Number.isNaN(summary.p99) && Number.isNaN(summary.max));
  });

  test('a summary takes more samples than a function call takes arguments (a long steady phase)', () => {
    // the steady ceiling records every row: 2,000 rows/s for 600 s is 1.2 million samples
    const samples = Array.from({ length: 1_200_000 }, (_, i) => (i * 7919) % 1_200_000);
    const summary = summarise(samples);
    assert.equal(summary.count, 1_200_000);
    assert.equal(summary.max, 1_199_999);
    assert.equal(summary.p50, 599_999);
  });

  test('a maximum of zero stays zero', () => {
    assert.equal(summarise([0, 0]).max, 0);
  });
});
