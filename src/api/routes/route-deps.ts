import type { Herder } from '../../runtime/herder/herder.js';
import type { HerderRequest } from '../herder-request.js';
import type { ResolvedApiOptions } from '../options.js';

/** What every route module is handed by `buildApp`. */
export interface RouteDeps {
  herder: Herder;
  /** Runs a herder operation under the REST request timeout. */
  ask: HerderRequest;
  options: ResolvedApiOptions;
}
