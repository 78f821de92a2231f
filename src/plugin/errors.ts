/**
 * What plugins throw. The worker decides what each error means for the task:
 * a RetriableError is retried (consumption paused meanwhile) until `errors.retry.timeout`,
 * a DataError is about one record and goes through `errors.tolerance` / the dead-letter queue,
 * anything else fails the task with its trace.
 */
export class ConnectError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectError';
  }
}

/** A transient failure: the same operation may succeed later (rate limit, broker hiccup, timeout). */
export class RetriableError extends ConnectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableError';
  }
}

/** A record (or one field of it) cannot be converted or written. */
export class DataError extends ConnectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
  }
}

/** A configuration value is invalid. The message follows Kafka's ConfigException wording. */
export class ConfigError extends ConnectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
