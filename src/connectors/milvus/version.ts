import { readFileSync } from 'node:fs';

/**
 * The connector's version is the package's: the connector ships inside this service, so the two never
 * differ. Read at run time from package.json, which sits at the same relative place from src/ and dist/.
 */
export const CONNECTOR_VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
