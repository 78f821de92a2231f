import { ConnectError } from '../../../plugin/index.js';

/**
 * What a failed Milvus call means for the sink:
 * - `retriable`: the same request may succeed later (rate limit, busy server, network); retry with backoff.
 * - `schema`: the collection schema changed under us; refresh the describe cache, then retry.
 * - `data`: Milvus (or the SDK, client side) rejected the content; split the batch to find the bad rows.
 * - `too-large`: the request is over a size limit; split it.
 * - `fatal`: nothing a retry or a split can fix (auth, missing collection, unsupported call); fail the task.
 */
export const FailureKind = {
  RETRIABLE: 'retriable',
  SCHEMA: 'schema',
  DATA: 'data',
  TOO_LARGE: 'too-large',
  FATAL: 'fatal',
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

/** The status object every SDK response carries (`error_code` is an enum name; `code` is Milvus' merr code). */
export interface MilvusStatus {
  error_code?: string | number;
  code?: number;
  reason?: string;
  retriable?: boolean;
  detail?: string;
}

export class MilvusRequestError extends ConnectError {
  constructor(
    message: string,
    readonly kind: FailureKind,
    /** merr code, legacy error_code name or gRPC status name; for metrics and messages */
    readonly code: string,
    /** quota / memory protection: retried, but with a longer backoff */
    readonly slow = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MilvusRequestError';
  }
}

// merr codes (milvus pkg/util/merr/errors.go): 1 not ready, 2 unavailable, 4 request limit / queue full,
// 8 rate limit, 12 resource insufficient, 103 not fully loaded, 106 recovering, 1002 unexpected EOF.
const RETRIABLE_CODES = new Set([1, 2, 4, 8, 12, 103, 106, 1002, 1807]);
// 3 memory limit, 7 disk limit, 9 quota exceeded: protection that clears when the server catches up.
const SLOW_RETRIABLE_CODES = new Set([3, 7, 9]);
// 100 collection not found, 800 database not found, 1400/1401 not authenticated / not permitted: a retry or
// a smaller request changes nothing, even when the server lists every row in err_index.
const FATAL_CODES = new Set([100, 101, 800, 1400, 1401]);
const FATAL_LEGACY = new Set(['CollectionNotExists', 'PermissionDenied', 'ConnectFailed']);
// 1100 invalid / 1101 missing parameter, 1700 field not found, 1701 bad field name, 1804 bad insert data,
// 1806 bad primary key, 2000 segcore rejected the data.
const DATA_CODES = new Set([1100, 1101, 1700, 1701, 1804, 1806, 2000]);
const TOO_LARGE_CODES = new Set([1102]);

const RETRIABLE_LEGACY = new Set(['RateLimit', 'NotReadyServe', 'NotReadyCoordActivating', 'NotShardLeader', 'NoReplicaAvailable']);
const SLOW_LEGACY = new Set(['ForceDeny', 'MemoryQuotaExhausted', 'DiskQuotaExhausted', 'TimeTickLongDelay']);
const DATA_LEGACY = new Set(['IllegalArgument', 'IllegalDimension', 'IllegalRowRecord', 'IllegalVectorID', 'UpsertAutoIDTrue']);

// @grpc/grpc-js status numbers
const GRPC = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
const GRPC_NAMES = new Map(Object.entries(GRPC).map(([name, n]) => [n as number, name]));

export function isSuccess(status: MilvusStatus | undefined): boolean {
  if (!status) return false;
  const legacyOk = status.error_code === undefined || status.error_code === 'Success' || status.error_code === 0;
  const codeOk = status.code === undefined || status.code === 0;
  return legacyOk && codeOk;
}

function statusCodeLabel(status: MilvusStatus): string {
  if (status.code !== undefined && status.code !== 0) return String(status.code);
  return String(status.error_code ?? 'unknown');
}

/**
 * Classifies a non-success status returned (not thrown) by the SDK. `rowsFailed`: the response listed
 * rows in `err_index`, which Milvus Lite does with generic codes (65535 "the length(3) of float data
 * should divide the dim(4)", 5 "internal error") for rows it cannot take; that makes it a data error.
 */
export function statusError(operation: string, status: MilvusStatus, rowsFailed = false): MilvusRequestError {
  const code = status.code ?? 0;
  const legacy = String(status.error_code ?? '');
  const reason = status.reason || status.detail || 'no reason given';
  const label = statusCodeLabel(status);
  const message = `Milvus ${operation} failed (code ${label}): ${reason}`;
  if (FATAL_CODES.has(code) || FATAL_LEGACY.has(legacy)) return new MilvusRequestError(message, FailureKind.FATAL, label);
  if (legacy === 'SchemaMismatch' || /schema mismatch/i.test(reason)) {
    return new MilvusRequestError(message, FailureKind.SCHEMA, label);
  }
  if (SLOW_RETRIABLE_CODES.has(code) || SLOW_LEGACY.has(legacy)) {
    return new MilvusRequestError(message, FailureKind.RETRIABLE, label, true);
  }
  if (status.retriable === true || RETRIABLE_CODES.has(code) || RETRIABLE_LEGACY.has(legacy)) {
    return new MilvusRequestError(message, FailureKind.RETRIABLE, label);
  }
  if (TOO_LARGE_CODES.has(code)) return new MilvusRequestError(message, FailureKind.TOO_LARGE, label);
  if (DATA_CODES.has(code) || DATA_LEGACY.has(legacy) || rowsFailed) return new MilvusRequestError(message, FailureKind.DATA, label);
  return new MilvusRequestError(message, FailureKind.FATAL, label);
}

interface GrpcLikeError {
  code: number;
  details?: string;
  message?: string;
  metadata?: unknown;
}

function isGrpcError(error: unknown): error is GrpcLikeError {
  return typeof error === 'object' && error !== null && typeof (error as GrpcLikeError).code === 'number' && 'details' in error;
}

/**
 * Classifies what an SDK call threw: a gRPC transport error (has a numeric `code` and `details`), a
 * response or status object the SDK throws as-is, a TypeError from inside the SDK (it formats some
 * failed responses as if they had succeeded: describeCollection of a missing collection on Milvus Lite),
 * or a plain Error from the SDK's client-side checks on the rows (unknown field, wrong binary-vector
 * length), which is about the data.
 */
export function thrownError(operation: string, error: unknown): MilvusRequestError {
  if (error instanceof MilvusRequestError) return error;
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'object') {
    return statusError(operation, error.status as MilvusStatus);
  }
  if (typeof error === 'object' && error !== null && !(error instanceof Error) && 'error_code' in error) {
    return statusError(operation, error as MilvusStatus);
  }
  if (isGrpcError(error)) {
    const name = GRPC_NAMES.get(error.code) ?? `gRPC ${error.code}`;
    const message = `Milvus ${operation} failed (${name}): ${error.details || error.message || 'no details'}`;
    switch (error.code) {
      case GRPC.UNAVAILABLE:
      case GRPC.DEADLINE_EXCEEDED:
      case GRPC.ABORTED:
        return new MilvusRequestError(message, FailureKind.RETRIABLE, name, false, { cause: error });
      case GRPC.RESOURCE_EXHAUSTED:
        // the server's (or the channel's) message size limit: a smaller request goes through
        return new MilvusRequestError(message, FailureKind.TOO_LARGE, name, false, { cause: error });
      case GRPC.INVALID_ARGUMENT:
        return new MilvusRequestError(message, FailureKind.DATA, name, false, { cause: error });
      default:
        return new MilvusRequestError(message, FailureKind.FATAL, name, false, { cause: error });
    }
  }
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof TypeError || error instanceof ReferenceError) {
    return new MilvusRequestError(`Milvus ${operation} failed inside the SDK: ${text}`, FailureKind.FATAL, 'sdk', false, { cause: error });
  }
  return new MilvusRequestError(`Milvus ${operation} rejected on the client: ${text}`, FailureKind.DATA, 'client', false, {
    cause: error,
  });
}
