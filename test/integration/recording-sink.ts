/**
 * A recording sink plugin for worker tests, the way Kafka tests its runtime with test connectors. Its
 * behaviour follows its config keys, so a test reads as a connector configuration.
 *
 * The worker runs each task in a thread of its own, which loads this module again (RECORDING_SINK_MODULE)
 * and shares no memory with the test. So the tasks tell the test what they saw over a BroadcastChannel:
 * calls, the records put() received, assignments. The test's side of it (`recorder`, on the main thread)
 * collects them and sends `hold` changes back; a task asks for the current `hold` when it starts.
 */
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import {
  ConfigDef,
  RetriableError,
  type OffsetMap,
  type SinkConnectorPlugin,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
} from '../../src/plugin/index.js';

export const RECORDING_SINK = 'org.example.it.RecordingSinkConnector';
export const RECORDING_TASK = 'org.example.it.RecordingSinkTask';

/** This module as a plugin module: the worker's task threads import it to find the recording sink. */
export const RECORDING_SINK_MODULE = { url: import.meta.url, exports: ['recordingPlugin'] } as const;

const CHANNEL = 'recording-sink';
/** How long a starting task waits for the test to say whether offsets are held back. */
const HOLD_ANSWER_MS = 10_000;

type Event =
  /** task → test: `start`, `open t-0`, `put retriable`, `preCommit t-0=2`, `close t-0`, `stop` */
  | { readonly kind: 'call'; readonly connector: string; readonly call: string }
  | { readonly kind: 'put'; readonly connector: string; readonly records: SinkRecord[] }
  | { readonly kind: 'assignment'; readonly connector: string; readonly task: number; readonly partitions: string[] }
  /** task → test: what is `hold` now? */
  | { readonly kind: 'ask-hold'; readonly connector: string }
  /** test → tasks */
  | { readonly kind: 'hold'; readonly connector: string; readonly hold: boolean };

/** What the recording tasks of one connector saw (on the test's thread). */
export interface Recorder {
  readonly puts: SinkRecord[][];
  /** start, open, put retriable, preCommit <topic-partition=offset,…> (one per commit cycle), close, stop */
  readonly calls: string[];
  /** the offsets the task reports as written: none while true; by default everything put() received */
  hold: boolean;
  /** the partitions each task was assigned when it last opened or closed partitions, by task id */
  readonly assignments: Map<number, string[]>;
}

class TestSideRecorder implements Recorder {
  readonly puts: SinkRecord[][] = [];
  readonly calls: string[] = [];
  readonly assignments = new Map<number, string[]>();
  #hold = false;

  constructor(
    readonly connector: string,
    readonly channel: BroadcastChannel,
  ) {}

  get hold(): boolean {
    return this.#hold;
  }

  set hold(hold: boolean) {
    this.#hold = hold;
    this.tellHold();
  }

  /** Tells the connector's tasks the current `hold`. */
  tellHold(): void {
    this.channel.postMessage({ kind: 'hold', connector: this.connector, hold: this.#hold } satisfies Event);
  }
}

const recorders = new Map<string, TestSideRecorder>();
// the test's end of the channel, open before any task starts so that nothing a task says is missed
const testSide = isMainThread ? new BroadcastChannel(CHANNEL) : null;
if (testSide !== null) {
  testSide.unref();
  testSide.onmessage = (message) => {
    const event = (message as { data: Event }).data;
    const r = recorder(event.connector) as TestSideRecorder;
    switch (event.kind) {
      case 'call':
        r.calls.push(event.call);
        break;
      case 'put':
        r.puts.push(event.records);
        break;
      case 'assignment':
        r.assignments.set(event.task, event.partitions);
        break;
      case 'ask-hold':
        r.tellHold();
        break;
    }
  };
}

/** What the tasks of `connector` saw so far (call it on the test's thread). */
export function recorder(connector: string): Recorder {
  if (testSide === null) throw new Error('recorder() is for the test, on the main thread');
  let r = recorders.get(connector);
  if (!r) recorders.set(connector, (r = new TestSideRecorder(connector, testSide)));
  return r;
}

/** A copy that crosses threads cheaply: byte arrays cut out of the fetch buffer they are views of. */
function portable(record: SinkRecord): SinkRecord {
  const bytes = (b: Uint8Array | null) => (b === null ? null : new Uint8Array(b));
  return {
    ...record,
    rawKey: bytes(record.rawKey),
    rawValue: bytes(record.rawValue),
    headers: record.headers.map((h) => ({ ...h, value: bytes(h.value) })),
  };
}

/** The task's end of the channel. */
class TaskSide {
  readonly #channel = new BroadcastChannel(CHANNEL);
  hold = false;
  #heard: (() => void) | null = null;

  constructor(readonly connector: string) {
    this.#channel.unref();
    this.#channel.onmessage = (message) => {
      const event = (message as { data: Event }).data;
      if (event.kind !== 'hold' || event.connector !== connector) return;
      this.hold = event.hold;
      this.#heard?.();
    };
  }

  /** Learns the test's current `hold` (it answers every ask with a `hold` message). */
  async askHold(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const heard = new Promise<void>((resolve, reject) => {
      this.#heard = resolve;
      timer = setTimeout(() => reject(new Error(`The test did not say whether ${this.connector} holds its offsets`)), HOLD_ANSWER_MS);
    });
    this.send({ kind: 'ask-hold', connector: this.connector });
    try {
      await heard;
    } finally {
      clearTimeout(timer);
      this.#heard = null;
    }
  }

  send(event: Event): void {
    this.#channel.postMessage(event);
  }

  call(call: string): void {
    this.send({ kind: 'call', connector: this.connector, call });
  }

  close(): void {
    this.#channel.close();
  }
}

/**
 * Config keys steer the task: `test.fail.value` (put() throws a plain Error when a record's value has
 * this `id`), `test.retriable.failures` (the first N put() calls throw RetriableError),
 * `test.start.error` (start() throws this message), `test.start.delay.ms` (start() takes this long, like
 * a sink that connects to a slow server), `test.stop.hang` (stop() never returns), `test.stop.spin`
 * (stop() blocks its thread's event loop for good), `test.put.crash` (the first put() with records ends
 * the thread: `throw` — an exception nobody catches, `exit` — process.exit(7), `allocate` — memory until
 * the heap is full; or leaves it hanging: `spin` — blocks its event loop for good).
 */
function recordingTask(): SinkTask {
  let side: TaskSide | null = null;
  let context: SinkTaskContext;
  let props: Readonly<Record<string, string>> = {};
  let retriableLeft = 0;
  const reportAssignment = () =>
    side?.send({
      kind: 'assignment',
      connector: context.connector,
      task: context.taskId,
      partitions: context.assignment().map((p) => `${p.topic}-${p.partition}`),
    });
  return {
    version: () => '1.0.0',
    async start(p, taskContext) {
      props = p;
      context = taskContext;
      side = new TaskSide(context.connector);
      side.call('start');
      await side.askHold();
      const delay = Number(p['test.start.delay.ms'] ?? 0);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (p['test.start.error']) throw new Error(p['test.start.error']);
      retriableLeft = Number(p['test.retriable.failures'] ?? 0);
    },
    async open(partitions: readonly TopicPartition[]) {
      side?.call(`open ${partitions.map((p) => `${p.topic}-${p.partition}`).join(',')}`);
      reportAssignment();
    },
    async put(records) {
      if (records.length === 0) return;
      if (props['test.put.crash'] !== undefined) return crash(props['test.put.crash']);
      if (retriableLeft > 0) {
        retriableLeft--;
        side?.call('put retriable');
        throw new RetriableError('Milvus rate limit exceeded, retry later');
      }
      const failOn = props['test.fail.value'];
      if (failOn && records.some((rec) => (rec.value as { id?: unknown } | null)?.id === Number(failOn))) {
        throw new Error(`Milvus rejected the row with id ${failOn}: dimension mismatch`);
      }
      side?.send({ kind: 'put', connector: context.connector, records: records.map(portable) });
    },
    async preCommit(offsets: OffsetMap) {
      // every commit cycle, with what it would commit: a test can wait for cycles instead of for time
      side?.call(`preCommit ${[...offsets.values()].map((o) => `${o.topic}-${o.partition}=${o.offset}`).join(',')}`);
      return side?.hold ? new Map() : offsets;
    },
    async close(partitions) {
      side?.call(`close ${partitions.map((p) => `${p.topic}-${p.partition}`).join(',')}`);
      reportAssignment();
    },
    async stop() {
      side?.call('stop');
      side?.close();
      if (props['test.stop.spin'] === 'true') for (;;);
      if (props['test.stop.hang'] === 'true') await new Promise(() => {});
    },
  };
}

/** Ends the task's thread the way `how` says (see recordingTask); the records are never accepted. */
function crash(how: string): Promise<never> {
  switch (how) {
    case 'throw':
      // from a timer: no promise the worker awaits sees it, so nothing in the thread can catch it
      setTimeout(() => {
        throw new Error('The sink hit a bug it did not expect');
      });
      return new Promise(() => {});
    case 'exit':
      return process.exit(7);
    case 'spin':
      for (;;);
    case 'allocate': {
      const hoard: number[][] = [];
      for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => i));
    }
    default:
      throw new Error(`test.put.crash=${how} is none of throw, exit, spin, allocate`);
  }
}

export const recordingPlugin: SinkConnectorPlugin = {
  className: RECORDING_SINK,
  aliases: [],
  type: 'sink',
  version: '1.0.0',
  taskClassName: RECORDING_TASK,
  createConnector: () => {
    let props: Readonly<Record<string, string>> = {};
    return {
      version: () => '1.0.0',
      config: () => new ConfigDef([]),
      async start(p) {
        props = p;
      },
      taskConfigs: (max) => Array.from({ length: max }, () => ({ ...props })),
      async stop() {},
    };
  },
  createTask: recordingTask,
};
