import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experimental, logVerbosity, setLogVerbosity } from '@grpc/grpc-js';
import { routeGrpcLogs } from '../../../../src/connectors/milvus/client/grpc-logging.js';
import type { PluginLogger } from '../../../../src/plugin/index.js';

function recordingLogger(): PluginLogger & { lines: [level: string, message: unknown][] } {
  const lines: [string, unknown][] = [];
  const at = (level: string) => (obj: object | string) => void lines.push([level, obj]);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

test("grpc-js's diagnostics reach our logger at their own level, formatted, instead of stderr", () => {
  const logger = recordingLogger();
  routeGrpcLogs(logger);
  // which lines grpc-js emits is its own setting (GRPC_VERBOSITY, default ERROR); here, all of them
  setLogVerbosity(logVerbosity.DEBUG);
  experimental.log(logVerbosity.ERROR, 'Connection to %s rejected by server', 'dns:127.0.0.1:19530');
  experimental.log(logVerbosity.INFO, 'subchannel connected');
  experimental.log(logVerbosity.DEBUG, 'picked', { subchannel: 1 });
  assert.deepEqual(logger.lines, [
    ['error', 'Connection to dns:127.0.0.1:19530 rejected by server'],
    ['info', 'subchannel connected'],
    ['debug', 'picked { subchannel: 1 }'],
  ]);
});
