import { readFileSync } from 'node:fs';

/**
 * The Schema Registry converters ship inside this service, so their version is the package's (read at
 * run time from package.json, at the same relative place from src/ and dist/).
 */
export const REGISTRY_CONVERTER_VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
