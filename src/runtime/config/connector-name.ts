/**
 * What a connector name may be, for every way a connector comes to exist: the body of
 * `POST /connectors`, the URL of `PUT /connectors/{name}/config`, and connector files on the command line.
 *
 * Kafka trims the POST name but not the PUT one, and its control-character check runs on the trimmed
 * value, so `a` and `a<TAB>` can both exist there and only one is reachable by most clients. Here every
 * path applies the same rule before anything is written:
 * - the name must be well-formed Unicode: a lone UTF-16 surrogate cannot be stored in SQLite's UTF-8
 *   (it would come back as U+FFFD, a different name), encoded in a URL or printed as valid JSON;
 * - no ISO control characters anywhere, ends included (C0, DEL, C1: Java's `Character.isISOControl`),
 *   with Kafka's message for the `name` key;
 * - then leading and trailing spaces are trimmed, as Kafka trims the POST name.
 * An empty name is left to config validation, which answers with Kafka's `String may not be empty`.
 */
import { Validators } from '../../plugin/index.js';
import { NAME_CONFIG } from './connector-config.js';
import { BadRequestError } from '../errors.js';

const withoutControlChars = Validators.nonEmptyStringWithoutControlChars();

/** The name as stored; throws BadRequestError when `given` breaks the rule above. */
export function connectorName(given: string): string {
  if (!given.isWellFormed()) {
    // JSON.stringify shows the lone surrogate as an escape, so the message itself stays valid text
    throw new BadRequestError(`Connector name ${JSON.stringify(given)} is invalid: it contains a lone UTF-16 surrogate, which is not a Unicode character`);
  }
  if (given !== '') {
    try {
      withoutControlChars(NAME_CONFIG, given);
    } catch (e) {
      throw new BadRequestError((e as Error).message);
    }
  }
  // after the check above only spaces can be trimmed: Java's trim removes characters up to U+0020
  return given.replace(/^ +| +$/g, '');
}

/** Kafka's message when a config's `name` differs from the connector's (the POST message also says "URL"). */
export function connectorNameMismatch(given: unknown, expected: string): BadRequestError {
  return new BadRequestError(`Connector name configuration (${String(given)}) doesn't match connector name in the URL (${expected})`);
}

/**
 * Names are addressed in URL paths and become the consumer group `connect-<name>`: a name of at most
 * 1024 characters stays below Node's 16 KiB request-header limit even fully percent-encoded (4 UTF-8
 * bytes → 12 characters each) and far below Kafka's 32 KiB protocol strings. Kafka sets no limit.
 */
export const MAX_CONNECTOR_NAME_LENGTH = 1024;

/**
 * Deviations from Kafka, checked when a connector is created: a name with `/` can be created in Kafka but
 * never addressed through the REST API; neither can `.` or `..`, which URL parsers (curl, browsers,
 * WHATWG `URL`) remove from paths as dot segments, nor an overly long name.
 */
export function checkConnectorNameAddressable(name: string): void {
  if (name.includes('/')) {
    throw new BadRequestError(`Connector name ${name} is invalid: it may not contain '/', because the connector could not be addressed in REST API URLs`);
  }
  if (name === '.' || name === '..') {
    throw new BadRequestError(
      `Connector name ${name} is invalid: URL parsers drop '${name}' from paths, so the connector could not be addressed in REST API URLs`,
    );
  }
  const length = [...name].length;
  if (length > MAX_CONNECTOR_NAME_LENGTH) {
    throw new BadRequestError(
      `Connector name is too long (${length} characters): at most ${MAX_CONNECTOR_NAME_LENGTH} are allowed, so that it fits in REST API URLs and consumer group ids`,
    );
  }
}
