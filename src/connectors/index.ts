import type { SinkConnectorPlugin } from '../plugin/index.js';
import { milvusSinkConnectorPlugin } from './milvus/index.js';

/** The connectors this worker ships (handed to the Plugins registry by main.ts). */
export const builtinConnectors: SinkConnectorPlugin[] = [milvusSinkConnectorPlugin];
