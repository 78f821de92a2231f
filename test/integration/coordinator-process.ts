/**
 * A worker's WorkerCoordinator alone in a child process, for tests that kill it (SIGKILL: no revocation,
 * no LeaveGroup, sockets dropped by the kernel). Reads its settings from the CLUSTER_WORKER environment
 * variable (JSON) and writes one JSON line per listener call to stdout.
 */
import pino from 'pino';
import { WorkerCoordinator, type GroupConfig } from '../../src/runtime/distributed/worker-coordinator.js';
import { ConfigReader, ConfigTopic } from './cluster-fixture.js';

interface Settings {
  readonly url: string;
  readonly group: GroupConfig;
  readonly connectors: Record<string, number>;
  readonly bootstrap: string;
}

const settings = JSON.parse(process.env.CLUSTER_WORKER ?? '') as Settings;
const say = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const coordinator = new WorkerCoordinator({
  workerUrl: settings.url,
  group: settings.group,
  clientProps: {},
  bootstrapServers: [settings.bootstrap],
  config: new ConfigReader(new ConfigTopic(settings.connectors)),
  listener: {
    onRevoked: async (assignment) => say({ kind: 'revoked', assignment }),
    onAssigned: (assignment, generation) => say({ kind: 'assigned', generation, assignment }),
  },
  logger: pino({ level: 'warn' }, process.stderr),
});
coordinator.start();
process.on('SIGTERM', () => void coordinator.stop().then(() => process.exit(0)));
