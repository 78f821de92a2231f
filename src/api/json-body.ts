/**
 * The JSON request-body parser. Jackson hands Connect a number's own text when it binds it to a String
 * (`"tasks.max": 1.0` is stored as "1.0"), which JSON.parse cannot do: it forgets the lexeme. So bodies
 * are parsed with lossless-json; numbers become ordinary JS numbers (the route schemas validate plain
 * JSON types) and their original text is remembered beside the object that holds them.
 */
import { parse } from 'lossless-json';
import { HttpError } from './errors.js';

const lexemes = new WeakMap<object, Map<string, string>>();

class NumberLexeme {
  constructor(readonly text: string) {}
}

/** The JSON text of the number stored at `holder[key]`, when the body parser produced it. */
export function numberText(holder: object, key: string): string | undefined {
  return lexemes.get(holder)?.get(key);
}

function remember(this: unknown, key: string, value: unknown): unknown {
  if (!(value instanceof NumberLexeme)) return value;
  const holder = this as object;
  let texts = lexemes.get(holder);
  if (texts === undefined) lexemes.set(holder, (texts = new Map()));
  texts.set(key, value.text);
  return Number(value.text);
}

/**
 * Parses a request body. Empty (or whitespace-only) bodies yield `undefined` so routes can say "the
 * body is missing" rather than "malformed". Duplicate keys keep the last value, as Jackson does.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parse(text, remember, {
      parseNumber: (lexeme) => new NumberLexeme(lexeme),
      onDuplicateKey: ({ newValue }) => newValue,
    });
  } catch (err) {
    if (err instanceof RangeError) throw new HttpError(400, 'Malformed JSON in request body: nested too deeply');
    throw new HttpError(400, `Malformed JSON in request body: ${(err as Error).message}`);
  }
}
