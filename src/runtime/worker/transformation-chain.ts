/**
 * Kafka's TransformationChain and TransformationStage for one sink task: each record, once converted,
 * goes through the connector's transformations in `transforms` order, each applied only when its
 * predicate (negated or not) says so; a stage that returns null drops the record (its offset is still
 * committed). A stage that throws is retried when the error is retriable (errors.retry.*), then handled
 * under errors.tolerance at stage TRANSFORMATION: skipped (and dead-lettered with the consumed record)
 * or fatal, with a trace naming topic, partition, offset and the transformation's class.
 */
import { ConnectError, type Predicate, type SinkRecord, type Transformation } from '../../plugin/index.js';
import type { StageSpec } from '../config/transformation-config.js';
import { consumedRecordOf, rememberConsumed } from './consumed-records.js';
import { Stage, retryThenTolerate, type RecoveryContext } from './error-handling.js';

export type { RecoveryContext } from './error-handling.js';
interface TransformationStage {
  readonly alias: string;
  /** for error reports and the DLQ `class.name` header */
  readonly className: string;
  readonly transformation: Transformation;
  readonly predicate: Predicate | null;
  readonly negate: boolean;
}

/** A stage threw: which one, on which record, with the original error as cause. */
export class TransformationError extends Error {
  constructor(
    readonly stageIndex: number,
    readonly className: string,
    readonly input: SinkRecord,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'TransformationError';
  }
}

export class TransformationChain {
  readonly #stages: readonly TransformationStage[];

  private constructor(stages: readonly TransformationStage[]) {
    this.#stages = stages;
  }

  /**
   * Instantiates and configures every stage (Kafka's ConnectorConfig.transformationStages). A stage that
   * refuses its config fails the task's start with a ConnectError naming its alias; what was built is closed.
   */
  static create(specs: readonly StageSpec[]): TransformationChain {
    const stages: TransformationStage[] = [];
    try {
      for (const spec of specs) {
        const transformation = spec.transformation.create();
        stages.push({ alias: spec.alias, className: spec.transformation.className, transformation, predicate: null, negate: spec.negate });
        transformation.configure(spec.props);
        if (spec.predicate) {
          const predicate = spec.predicate.plugin.create();
          stages[stages.length - 1] = { ...stages[stages.length - 1], predicate };
          predicate.configure(spec.predicate.props);
        }
      }
    } catch (error) {
      new TransformationChain(stages).close();
      const alias = stages[stages.length - 1]?.alias ?? '';
      throw new ConnectError(`Could not configure transformation '${alias}': ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return new TransformationChain(stages);
  }

  get empty(): boolean {
    return this.#stages.length === 0;
  }

  /**
   * The record through every stage from `from` on (`original`: the record the chain started with); null
   * when a stage dropped it. Throws TransformationError.
   */
  apply(record: SinkRecord, from = 0, original = record): SinkRecord | null {
    let current = record;
    for (let i = from; i < this.#stages.length; i++) {
      const stage = this.#stages[i];
      let next: SinkRecord | null;
      try {
        next = stage.predicate === null || stage.negate !== stage.predicate.test(current) ? stage.transformation.apply(current) : current;
      } catch (error) {
        throw new TransformationError(i, stage.className, current, error);
      }
      if (next === null) return null;
      current = next;
    }
    if (current !== original) rememberConsumed(current, original);
    return current;
  }

  /** Closes every transformation and predicate; a failing close is not the task's failure. */
  close(): void {
    for (const stage of this.#stages) {
      for (const closable of [stage.transformation, stage.predicate]) {
        try {
          closable?.close?.();
        } catch {
          // Kafka's Utils.closeQuietly
        }
      }
    }
  }

  /**
   * After `failure`: retries the failing stage while its error is retriable and errors.retry.* allow, then
   * errors.tolerance decides. The transformed record, undefined when dropped or skipped, null when the task failed.
   */
  recover(failure: TransformationError, original: SinkRecord, context: RecoveryContext): Promise<SinkRecord | undefined | null> {
    return retryThenTolerate(
      failure,
      (last) => this.apply(last.input, last.stageIndex, original) ?? undefined,
      (error): error is TransformationError => error instanceof TransformationError,
      (failed, cause) =>
        context.errors.report({ record: consumedRecordOf(original), stage: Stage.TRANSFORMATION, executingClass: failed.className, error: cause }),
      context,
    );
  }
}
