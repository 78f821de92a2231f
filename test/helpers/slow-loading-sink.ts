/**
 * The recording sink under another class name, in a module that takes seconds to load in a task thread
 * (as a large SDK on a slow disk might): its thread cannot answer anything until the load is over.
 * The main thread loads it at once.
 */
import { isMainThread } from 'node:worker_threads';
import type { SinkConnectorPlugin } from '../../src/plugin/index.js';
import { recordingPlugin } from '../integration/recording-sink.js';

export const SLOW_LOADING_SINK = 'org.example.it.SlowLoadingSinkConnector';
export const LOAD_MS = 3000;

if (!isMainThread) {
  const until = Date.now() + LOAD_MS;
  while (Date.now() < until);
}

export const slowLoadingPlugin: SinkConnectorPlugin = { ...recordingPlugin, className: SLOW_LOADING_SINK, aliases: [] };

export const SLOW_LOADING_SINK_MODULE = { url: import.meta.url, exports: ['slowLoadingPlugin'] } as const;
