import { ConnectHerder, type ConnectHerderOptions } from './connect-herder.js';
import { StandaloneMembership } from './membership.js';

export type { HerderWorkerConfig } from './connect-herder.js';
export type StandaloneHerderOptions = Omit<ConnectHerderOptions, 'membership'>;

/** Standalone mode (Kafka's StandaloneHerder): the herder of a cluster of one, desired state in SQLite. */
export class StandaloneHerder extends ConnectHerder {
  constructor(options: StandaloneHerderOptions) {
    super({ ...options, membership: new StandaloneMembership() });
  }
}
