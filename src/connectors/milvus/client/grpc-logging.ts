/**
 * grpc-js (the Milvus SDK's transport) writes its own diagnostics with console.error, as plain
 * `E <message>` lines on stderr: they bypass the worker's JSON log, its levels and /admin/loggers,
 * and break tools that parse one JSON object per line. This hands them to a logger of ours instead.
 *
 * Which lines grpc-js produces at all stays its own decision (GRPC_VERBOSITY, default ERROR; GRPC_TRACE).
 * The logger is process-wide in grpc-js, as are its connections' diagnostics, so it is set once,
 * by the composition root.
 */
import { format } from 'node:util';
import { setLogger } from '@grpc/grpc-js';
import type { PluginLogger } from '../../../plugin/index.js';

/** Sends grpc-js's error, info and debug lines to `logger` at the same levels. */
export function routeGrpcLogs(logger: PluginLogger): void {
  setLogger({
    error: (message?: unknown, ...rest: unknown[]) => logger.error(format(message, ...rest)),
    info: (message?: unknown, ...rest: unknown[]) => logger.info(format(message, ...rest)),
    debug: (message?: unknown, ...rest: unknown[]) => logger.debug(format(message, ...rest)),
  });
}
