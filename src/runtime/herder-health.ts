import { CONNECT_API_VERSION, healthyStatus, stageSummary, startingStatus, unhealthyStatus, withTimeout } from './herder-info.js';
import type { ConfigStore } from '../store/types.js';
import type { Stages } from './herder-queue.js';
import type { ServerInfo, WorkerStatus } from './types.js';
import type { Worker } from './worker.js';

type Phase = 'created' | 'starting' | 'started' | 'failed' | 'stopped';

export interface HerderHealthOptions {
  worker: Pick<Worker, 'kafkaClusterId'>;
  /** Asked at every health check whether its file is still there and sound. */
  configStore: Pick<ConfigStore, 'problem'>;
  stages: Stages;
  commit: string;
  healthTimeoutMs: number;
}

/**
 * What the herder answers about the worker itself (`GET /`, `GET /health`), from how far its start-up
 * got. Both answers must come back inside the REST layer's budget, so every wait here is bounded.
 */
export class HerderHealth {
  readonly #worker: Pick<Worker, 'kafkaClusterId'>;
  readonly #configStore: Pick<ConfigStore, 'problem'>;
  readonly #stages: Stages;
  readonly #commit: string;
  readonly #timeoutMs: number;
  #phase: Phase = 'created';
  #started: Promise<void> | null = null;
  #startFailure: string | null = null;

  constructor(options: HerderHealthOptions) {
    this.#worker = options.worker;
    this.#configStore = options.configStore;
    this.#stages = options.stages;
    this.#commit = options.commit;
    this.#timeoutMs = options.healthTimeoutMs;
  }

  /**
   * Runs the herder's start-up as a stage, so a health check during it can say what it waits behind;
   * the returned promise settles as the start-up does.
   */
  starting(description: string, startup: () => Promise<void>): Promise<void> {
    this.#phase = 'starting';
    this.#started = this.#stages
      .run(description, async () => {
        await startup();
        this.#phase = 'started';
      })
      .catch((err: unknown) => {
        this.#phase = 'failed';
        this.#startFailure = err instanceof Error ? err.message : String(err);
        throw err;
      });
    return this.#started;
  }

  stopped(): void {
    this.#phase = 'stopped';
  }

  async serverInfo(): Promise<ServerInfo> {
    return { version: CONNECT_API_VERSION, commit: this.#commit, kafka_cluster_id: await this.#kafkaClusterId() };
  }

  async health(): Promise<WorkerStatus> {
    // a store that lost its file takes writes into the void: say so before anything else
    const storeProblem = this.#configStore.problem();
    if (storeProblem !== null) return unhealthyStatus(storeProblem);
    if (this.#phase === 'failed') return unhealthyStatus(`Start-up failed: ${this.#startFailure}`);
    if (this.#phase !== 'started' && this.#phase !== 'stopped') {
      const started = this.#started?.then(() => true, () => false) ?? Promise.resolve(false);
      if (!(await withTimeout(started, this.#timeoutMs, false))) {
        if ((this.#phase as Phase) === 'failed') return unhealthyStatus(`Start-up failed: ${this.#startFailure}`);
        return startingStatus(stageSummary(this.#stages.current()));
      }
    }
    return healthyStatus((await this.#kafkaClusterId()) !== null);
  }

  async #kafkaClusterId(): Promise<string | null> {
    return withTimeout(
      this.#worker.kafkaClusterId().catch(() => null),
      Math.min(this.#timeoutMs, 3_000),
      null,
    );
  }
}
