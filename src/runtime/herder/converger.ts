/**
 * Brings each connector's running tasks to its stored desired state, in the background (the part of
 * Kafka's DistributedHerder tick that starts and stops task instances after a config or target-state
 * change was written). The herder answers a request once it has written what it decided; this part then
 * does the slow work — stopping tasks (each bounded by `task.shutdown.graceful.timeout.ms`) and starting
 * new ones — so no REST request ever waits on a consumer group join or on a task that will not stop.
 *
 * It converges to the *latest* stored state, never to the state of one request: when ten requests on one
 * connector arrive while it works, it makes one more pass for all of them, and the intermediate configs
 * are never started. A connector is worked on by one pass at a time; different connectors concurrently.
 */
import type { Logger } from 'pino';
import { ConfigType, parseType } from '../../plugin/index.js';
import type { ConfigStore, ConnectorConfig, ConnectorRecord, StatusStore } from '../../store/types.js';
import { settlesWithin, systemClock, type Clock } from '../clock.js';
import { TASKS_MAX_CONFIG, TASKS_MAX_ENFORCE_CONFIG } from '../config/connector-config.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from '../status/status.js';
import type { Worker } from '../worker/worker.js';

export interface ConvergerOptions {
  readonly worker: Worker;
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  /** where the running tasks report (the herder); reports of a replaced or abandoned instance are dropped */
  readonly listener: StatusListener;
  /** writes a status decided here (a task refused before it runs), as the herder's own writes do */
  readonly writeTaskStatus: (id: ConnectorTaskId, state: State, trace?: string) => void;
  /** worker `task.shutdown.graceful.timeout.ms`: how long one task may take to stop before it is abandoned */
  readonly shutdownTimeoutMs: number;
  /** Whether this worker runs the task (distributed mode: the group's assignment); default: every task. */
  readonly owns?: (id: ConnectorTaskId) => boolean;
  readonly log: Logger;
  readonly clock?: Clock;
}

/**
 * One task instance as it was started: from which configs (a change written by another worker is seen
 * by comparing them), which generation of the task configs (a local replacement), in which target state.
 */
interface RunningTask {
  readonly id: ConnectorTaskId;
  readonly generation: number;
  readonly connectorConfig: ConnectorConfig;
  readonly taskConfig: ConnectorConfig;
  targetState: TargetState;
}

/** A connector's stored state as one pass sees it: its record, the task configs to run, their generation. */
interface Desired {
  readonly record: ConnectorRecord | undefined;
  readonly desired: readonly ConnectorConfig[];
  readonly generation: number;
}

/** Same keys, same values (key order does not matter). */
export function sameConfig(a: ConnectorConfig, b: ConnectorConfig): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Beyond the graceful window: what the worker itself needs to abandon a task and release its resources. */
const STOP_GRACE_MS = 1_000;

const key = (id: ConnectorTaskId): string => `${id.connector}-${id.task}`;

/** Kafka's TooManyTasksException text. */
export function tooManyTasks(name: string, count: number, max: number): string {
  return (
    `The connector ${name} has generated ${count} tasks, which is greater than ${max}, ` +
    'the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is disallowed. ' +
    `If necessary, it can be permitted by reconfiguring the connector with '${TASKS_MAX_ENFORCE_CONFIG}' set to false; ` +
    'however, this option will be removed in a future release of Kafka Connect.'
  );
}

export const TOO_MANY_TASKS = 'org.apache.kafka.connect.runtime.TooManyTasksException';

export function tasksMax(config: ConnectorConfig): { max: number; enforce: boolean } {
  return {
    max: parseType(TASKS_MAX_CONFIG, config[TASKS_MAX_CONFIG] ?? 1, ConfigType.INT) as number,
    enforce: parseType(TASKS_MAX_ENFORCE_CONFIG, config[TASKS_MAX_ENFORCE_CONFIG] ?? true, ConfigType.BOOLEAN) as boolean,
  };
}

/** A trace in the shape of Java's printStackTrace, for failures the herder itself detects. */
export function javaTrace(javaClass: string, message: string): string {
  const frames = (new Error().stack ?? '').split('\n').slice(2);
  return [`${javaClass}: ${message}`, ...frames.map((f) => f.replace(/^\s*at /, '\tat '))].join('\n');
}

export class Converger {
  readonly #o: ConvergerOptions;
  readonly #clock: Clock;
  /** task instances this worker runs, by `<connector>-<task>` */
  readonly #running = new Map<string, RunningTask>();
  /** bumped whenever a connector's task configs are replaced: a running task of an older generation is stale */
  readonly #generations = new Map<string, number>();
  /** tasks a restart was asked for; the next pass stops and starts them */
  readonly #restarts = new Set<string>();
  /** instances being stopped: their last report (UNASSIGNED) still counts */
  readonly #stopping = new Set<RunningTask>();
  /** connectors with a pass running, and whether another pass was asked for meanwhile */
  readonly #passes = new Map<string, { promise: Promise<void>; again: boolean }>();
  #closed = false;

  constructor(options: ConvergerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** The task configs of `name` were replaced: its running tasks are stale from now on. */
  replacedTasks(name: string): void {
    this.#generations.set(name, (this.#generations.get(name) ?? 0) + 1);
  }

  /** The next pass restarts this task (if it still exists then). */
  restartTask(id: ConnectorTaskId): void {
    this.#restarts.add(key(id));
  }

  /** Asks for a pass over `name`; resolves when the stored state of that moment has been reached. */
  request(name: string): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const pass = this.#passes.get(name);
    if (pass) {
      pass.again = true;
      return pass.promise;
    }
    const entry = { promise: Promise.resolve(), again: false };
    entry.promise = (async () => {
      try {
        do {
          entry.again = false;
          await this.#converge(name).catch((err: unknown) => this.#o.log.error({ err, connector: name }, 'Failed to bring the tasks to the desired state'));
        } while (entry.again && !this.#closed);
      } finally {
        this.#passes.delete(name);
      }
    })();
    this.#passes.set(name, entry);
    return entry.promise;
  }

  /** Stops every running task this worker no longer owns (its assignment was revoked); resolves once they stopped. */
  async revokeUnowned(): Promise<void> {
    const connectors = new Set([...this.#running.values()].filter((t) => !this.#owns(t.id)).map((t) => t.id.connector));
    await Promise.all([...connectors].map((name) => this.request(name)));
  }

  #owns(id: ConnectorTaskId): boolean {
    return this.#o.owns?.(id) ?? true;
  }

  /** Whether a pass over any connector is running or asked for. */
  get busy(): boolean {
    return this.#passes.size > 0;
  }

  /** Resolves when no pass is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.#passes.size > 0) await Promise.all([...this.#passes.values()].map((p) => p.promise));
  }

  /** Waits for the passes over `name` to end, at most `timeoutMs`; true when they did. */
  settled(name: string, timeoutMs: number): Promise<boolean> {
    const pass = this.#passes.get(name);
    return pass ? settlesWithin(this.#clock, pass.promise, timeoutMs) : Promise.resolve(true);
  }

  /** Shutdown: no new passes; waits (bounded by each stop's own bound) for the running ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
    this.#running.clear();
  }

  /** One pass: stop what must not run (or runs a stale config), start what is missing, align target states. */
  async #converge(name: string): Promise<void> {
    const before = this.#desired(name);
    const stale = [...this.#running.values()].filter((t) => t.id.connector === name && this.#isStale(t, before));
    await Promise.all(stale.map((t) => this.#stop(t)));
    // read again: writes that landed while the tasks stopped are what starts now (the next pass stops
    // whatever they made stale), so a config that was overtaken meanwhile is never started
    const { record, desired, generation } = this.#desired(name);
    if (record) {
      // tasks beyond the current count no longer exist; a deleted connector's statuses went with it
      for (const { task } of this.#o.statusStore.tasks(name)) if (task >= desired.length) this.#o.statusStore.removeTask(name, task);
    }
    if (!record || desired.length === 0) return;

    const { max, enforce } = tasksMax(record.config);
    for (let task = 0; task < desired.length; task++) {
      const id = { connector: name, task };
      if (!this.#owns(id)) continue;
      this.#restarts.delete(key(id));
      const running = this.#running.get(key(id));
      if (running) {
        if (running.targetState !== record.targetState) {
          running.targetState = record.targetState;
          this.#o.worker.setTaskTargetState(id, record.targetState);
        }
        continue;
      }
      if (enforce && desired.length > max) {
        // a stored set of tasks larger than tasks.max fails each task, as Kafka's Worker.startTask does
        this.#o.writeTaskStatus(id, State.FAILED, javaTrace(TOO_MANY_TASKS, tooManyTasks(name, desired.length, max)));
        continue;
      }
      const instance: RunningTask = { id, generation, connectorConfig: record.config, taskConfig: desired[task], targetState: record.targetState };
      this.#running.set(key(id), instance);
      const started = await this.#o.worker.startTask(id, record.config, desired[task], record.targetState, this.#listenerFor(instance));
      if (!started) this.#running.delete(key(id));
    }
  }

  /** Not to run as it is: gone, another worker's now, replaced, asked to restart, or started from other configs. */
  #isStale(task: RunningTask, now: Desired): boolean {
    const { id } = task;
    if (id.task >= now.desired.length || !this.#owns(id) || task.generation !== now.generation || this.#restarts.has(key(id))) return true;
    return !sameConfig(task.taskConfig, now.desired[id.task]) || (now.record !== undefined && !sameConfig(task.connectorConfig, now.record.config));
  }

  #desired(name: string): Desired {
    const record = this.#o.configStore.get(name);
    const desired = record && record.targetState !== TargetState.STOPPED ? record.taskConfigs : [];
    return { record, desired, generation: this.#generations.get(name) ?? 0 };
  }

  /** Stops one task within the graceful window plus what abandoning it takes; never longer. */
  async #stop(task: RunningTask): Promise<void> {
    this.#running.delete(key(task.id));
    this.#stopping.add(task);
    const stopped = this.#o.worker.stopTask(task.id).catch((err: unknown) => this.#o.log.warn({ err }, `Error stopping task ${key(task.id)}`));
    try {
      if (!(await settlesWithin(this.#clock, stopped, this.#o.shutdownTimeoutMs + STOP_GRACE_MS))) {
        this.#o.log.error(
          `Task ${key(task.id)} did not stop within ${this.#o.shutdownTimeoutMs} ms; it is abandoned and its resources are released in the background`,
        );
      }
    } finally {
      this.#stopping.delete(task);
    }
  }

  /** Reports of an instance that was replaced, stopped or abandoned never overwrite its successor's. */
  #listenerFor(instance: RunningTask): StatusListener {
    const current = () => this.#running.get(key(instance.id)) === instance;
    const { listener } = this.#o;
    return {
      onConnectorState: (connector, state, trace) => listener.onConnectorState(connector, state, trace),
      onTaskState: (id, state, trace) => {
        // a stopping instance's last word (UNASSIGNED) still counts: its successor starts only after it
        if (current() || (state === State.UNASSIGNED && this.#stopping.has(instance))) listener.onTaskState(id, state, trace);
      },
      onTopicActive: (connector, topic) => listener.onTopicActive(connector, topic),
      onTaskReconfigurationRequested: (connector) => listener.onTaskReconfigurationRequested(connector),
    };
  }
}
