import type { ConfigDef } from './config-def.js';
import type { SinkRecord } from './sink-record.js';

/**
 * Kafka's Transformation (a single message transform): applied to each record after the converters and
 * before SinkTask.put, in the order of the connector's `transforms` list. Records are immutable: a
 * transformation returns a new record (spread the old one, so that its original topic, partition and
 * offset travel along), the same record, or null to drop it (its offset is still committed).
 * A throw is a failure of this record, handled under `errors.tolerance` (stage TRANSFORMATION).
 */
export interface Transformation {
  /** `props` are the transformation's own keys, `transforms.<alias>.` stripped (without `type`, `predicate`, `negate`). */
  configure(props: Readonly<Record<string, string>>): void;
  apply(record: SinkRecord): SinkRecord | null;
  /** The keys `configure` takes, shown by the validate endpoint under `transforms.<alias>.`. */
  config(): ConfigDef;
  close?(): void;
}

/** Kafka's Predicate: decides per record whether a transformation applies (`transforms.<alias>.predicate`). */
export interface Predicate {
  /** `props` are the predicate's own keys, `predicates.<alias>.` stripped. */
  configure(props: Readonly<Record<string, string>>): void;
  test(record: SinkRecord): boolean;
  config(): ConfigDef;
  close?(): void;
}

interface ComponentPlugin {
  /** Kafka's class name, e.g. `org.apache.kafka.connect.transforms.Cast$Value`. */
  readonly className: string;
  /** extra names accepted in `transforms.<alias>.type` / `predicates.<alias>.type` and plugin URLs */
  readonly aliases: readonly string[];
  readonly version: string;
  /** what it does, for the configuration reference (Kafka's OVERVIEW_DOC) */
  readonly documentation: string;
}

export interface TransformationPlugin extends ComponentPlugin {
  /** tells the two kinds apart where plugins are loaded from modules (a task thread's registry) */
  readonly kind: 'transformation';
  create(): Transformation;
}

export interface PredicatePlugin extends ComponentPlugin {
  readonly kind: 'predicate';
  create(): Predicate;
}
