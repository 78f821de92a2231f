/**
 * Domain errors with stable meanings and no HTTP: `api/errors.ts` maps each class to a status
 * (NotFound 404, AlreadyExists 409, BadRequest 400, Conflict 409, Forbidden 403, anything else 500).
 * Messages are Kafka's texts (see spec/kafka-connect-rest.md §8).
 */
export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {}
export class AlreadyExistsError extends DomainError {}
export class BadRequestError extends DomainError {}
export class ConflictError extends DomainError {}
export class ForbiddenError extends DomainError {}
/** A 500 whose message is part of Kafka's contract (e.g. failed offset operations). */
export class ServerError extends DomainError {}
/** A herder operation that did not finish in time; the message names what the worker was doing. */
export class RequestTimeoutError extends DomainError {}
/**
 * The client of a request went away before the request's turn came, so it was not executed. Nobody reads
 * the answer; the API maps it like any server-side abort (499-style close, logged, never a 5xx to a client).
 */
export class ClientGoneError extends DomainError {
  constructor() {
    super('The client closed the connection before the request was executed; it was not executed');
  }
}

/**
 * A request another worker of a distributed cluster must serve (Kafka's RequestTargetException): the API
 * forwards it to `targetUrl`; without one, or when it was forwarded once already, it answers the message
 * with 409, which clients retry.
 */
export class RequestTargetError extends DomainError {
  constructor(
    message: string,
    readonly targetUrl: string | null,
  ) {
    super(message);
  }
}

/** A write reached a worker that does not lead the cluster (Kafka's NotLeaderException): it goes to the leader. */
export class NotLeaderError extends RequestTargetError {
  constructor(leaderUrl: string | null) {
    super(
      leaderUrl === null
        ? 'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.'
        : 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)',
      leaderUrl,
    );
  }
}

/** A task restart reached the leader, but another worker runs the task: it goes to that worker. */
export class TaskElsewhereError extends RequestTargetError {
  constructor(ownerUrl: string | null) {
    super('Cannot complete request because of a conflicting operation (e.g. worker rebalance)', ownerUrl);
  }
}

/** A write arrived while this worker's group was rebalancing (Kafka's RebalanceNeededException, 409). */
export class RebalanceInProgressError extends ConflictError {
  constructor() {
    super('Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)');
  }
}
