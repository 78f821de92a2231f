import type { SinkConnectorPlugin } from '../plugin/index.js';
import { milvusSinkConnectorPlugin } from './milvus/index.js';

/** The connectors this worker ships (handed to the Plugins registry by main.ts). */
export const builtinConnectors: SinkConnectorPlugin[] = [milvusSinkConnectorPlugin];

/** This module as a plugin module (runtime/plugins.ts PluginModule): what main.ts loads, and each task thread again. */
export const BUILTIN_CONNECTORS_MODULE = { url: import.meta.url, exports: ['builtinConnectors'] } as const;
