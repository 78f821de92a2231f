/**
 * The plugin metrics of one connector, gathered from the threads its tasks run in. A plugin counts in
 * module state, and each task thread has a module graph of its own, so the connector's numbers are the
 * sum of its tasks': each running thread's latest samples, plus what the threads that ended had counted,
 * so that a counter never goes back when a task stops, restarts or crashes.
 */
import type { PluginMetric } from '../../plugin/index.js';

export class ConnectorPluginMetrics {
  /** the latest samples of each running thread, by the thread's owner */
  readonly #running = new Map<object, readonly PluginMetric[]>();
  /** what ended threads counted: counters, summaries and high-water marks */
  #ended: readonly PluginMetric[] = [];

  /** The latest samples of the thread `owner` stands for (they replace its earlier ones). */
  update(owner: object, samples: readonly PluginMetric[]): void {
    this.#running.set(owner, samples);
  }

  /** The thread ended: its counters, summaries and `max` gauges stay in the totals; its current amounts go. */
  end(owner: object): void {
    const last = this.#running.get(owner);
    if (last === undefined) return;
    this.#running.delete(owner);
    this.#ended = merge([this.#ended, last.filter((s) => s.type !== 'gauge' || s.aggregation === 'max')]);
  }

  /** One sample per name and labels, added up over the tasks. */
  samples(): PluginMetric[] {
    return merge([this.#ended, ...this.#running.values()]);
  }
}

function seriesKey(sample: PluginMetric): string {
  const labels = Object.entries(sample.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([sample.type, sample.name, labels]);
}

function merge(lists: ReadonlyArray<readonly PluginMetric[]>): PluginMetric[] {
  const merged = new Map<string, PluginMetric>();
  for (const list of lists) {
    for (const sample of list) {
      const key = seriesKey(sample);
      const seen = merged.get(key);
      merged.set(key, seen === undefined ? sample : combine(seen, sample));
    }
  }
  return [...merged.values()];
}

function combine(a: PluginMetric, b: PluginMetric): PluginMetric {
  if (a.type === 'summary' && b.type === 'summary') return { ...a, count: a.count + b.count, sum: a.sum + b.sum };
  if (a.type === 'summary' || b.type === 'summary') return a;
  const max = a.type === 'gauge' && a.aggregation === 'max';
  return { ...a, value: max ? Math.max(a.value, b.value) : a.value + b.value };
}
