/**
 * Turns a schema-validation failure into a sentence that says what to fix. Kafka lets Jackson fail with
 * a 500 and a parser message here; we answer 400 (a documented deviation) and name the field, the
 * expected JSON type and what was sent instead.
 */
import type { FastifyRequest, FastifySchemaValidationError } from 'fastify';

export interface ValidationFailure {
  validation: Array<FastifySchemaValidationError & { parentSchema?: { title?: string; properties?: object } }>;
  validationContext: string;
}

/** The title the route schemas give to a value of a `Map<String, String>` body (connector configs). */
export const CONFIG_VALUE_TITLE = 'ConfigValue';

export function validationMessage(failure: ValidationFailure, request: FastifyRequest): string {
  const [error] = failure.validation;
  if (failure.validationContext !== 'body') {
    return `Invalid ${failure.validationContext} parameter ${error.instancePath.slice(1)}: ${error.message}`;
  }
  const path = pointerSegments(error.instancePath);
  const body = request.body;
  if (body === undefined || body === null) {
    return `Request body is ${body === null ? 'null' : 'missing'}: this endpoint expects a JSON object`;
  }
  const where = describePath(path);
  switch (error.keyword) {
    case 'type': {
      const expected = [error.params.type as string | string[]].flat().map(typeName);
      const sent = typeName(jsonType(valueAt(body, path)));
      const hint =
        error.parentSchema?.title === CONFIG_VALUE_TITLE
          ? ' Configuration values must be strings (numbers and booleans are converted); nested objects and arrays are not supported.'
          : '';
      return `Invalid request body: ${where} must be ${orList(expected)}, but was ${sent}.${hint}`;
    }
    case 'additionalProperties': {
      const field = String(error.params.additionalProperty);
      const known = Object.keys(error.parentSchema?.properties ?? {});
      return `Invalid request body: unrecognized field "${field}" in ${describePath(path)}; known fields are ${known.join(', ')}.`;
    }
    case 'required':
      return `Invalid request body: ${describePath([...path, String(error.params.missingProperty)])} is required.`;
    default:
      return `Invalid request body: ${where} ${error.message}.`;
  }
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** `field "tasks.max"`, `field config["tasks.max"]`, `field offsets[0].partition`, or `the request body`. */
function describePath(path: string[]): string {
  if (path.length === 0) return 'the request body';
  if (path.length === 1) return `field ${JSON.stringify(path[0])}`;
  const rest = path.slice(1).map((segment) => {
    if (/^[0-9]+$/.test(segment)) return `[${segment}]`;
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  });
  return `field ${path[0]}${rest.join('')}`;
}

function valueAt(body: unknown, path: string[]): unknown {
  let value = body;
  for (const segment of path) value = (value as Record<string, unknown> | undefined)?.[segment];
  return value;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const ARTICLE: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  null: 'null',
  object: 'an object',
  array: 'an array',
};

function typeName(type: string): string {
  return ARTICLE[type] ?? type;
}

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
