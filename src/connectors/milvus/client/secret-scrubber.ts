/**
 * Cuts the configured Milvus token out of texts that came from the server or the SDK before they
 * become an error message, a status trace or a log line: a server (or a proxy in front of it) may
 * echo the credentials it refused. The whole token goes, and for a `user:password` token the password
 * on its own as well, since a server may quote it alone; but only a password of MIN_PASSWORD_PART
 * characters or more: a short one such as Milvus' default `root:Milvus` would cut ordinary words out
 * of every message, and is no secret worth that. The token's base64 form goes too: that is how the SDK
 * sends it (the `authorization` metadata), so a server quoting the metadata as it came quotes that.
 * It is matched with and without its `=` padding, which a quoting server may drop.
 */
const HIDDEN = '[hidden]';
const MIN_PASSWORD_PART = 8;

/** The texts to hide for a token, longest first so that a part never splits a longer match. */
function secretsOf(token: string | undefined): string[] {
  if (!token) return [];
  const secrets = new Set([token]);
  const colon = token.indexOf(':');
  if (colon > 0 && token.length - colon - 1 >= MIN_PASSWORD_PART) secrets.add(token.slice(colon + 1));
  const base64 = Buffer.from(token).toString('base64');
  secrets.add(base64).add(base64.replace(/=+$/, ''));
  return [...secrets].sort((a, b) => b.length - a.length);
}

export function scrub(text: string, token: string | undefined): string {
  let out = text;
  for (const secret of secretsOf(token)) out = out.split(secret).join(HIDDEN);
  return out;
}

/**
 * The error with the token cut out of its message, its stack and every cause's, as a new Error of the
 * same name (the original is left alone: the SDK may still hold it). Errors without the token are
 * returned as they are, so their class (ConnectError, MilvusRequestError…) is kept.
 */
export function scrubbedError(error: unknown, token: string | undefined): unknown {
  const secrets = secretsOf(token);
  if (secrets.length === 0 || !mentions(error, secrets, 0)) return error;
  return copy(error, token, 0);
}

function mentions(error: unknown, secrets: readonly string[], depth: number): boolean {
  if (depth > 8 || error === null || error === undefined) return false;
  const texts = error instanceof Error ? [error.message, error.stack ?? '', safeJson(error)] : [String(error), safeJson(error)];
  if (texts.some((t) => secrets.some((s) => t.includes(s)))) return true;
  return error instanceof Error && mentions(error.cause, secrets, depth + 1);
}

function copy(error: unknown, token: string | undefined, depth: number): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? scrub(error, token) : new Error(scrub(safeJson(error) || String(error), token));
  const cause = depth < 8 && error.cause !== undefined ? copy(error.cause, token, depth + 1) : undefined;
  const out = new Error(scrub(error.message, token), cause === undefined ? undefined : { cause });
  out.name = error.name;
  out.stack = scrub(error.stack ?? '', token);
  // the fields classifiers read (gRPC code, Milvus error code and kind), without the echoed details
  for (const key of ['code', 'kind', 'retriable'] as const) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
      (out as unknown as Record<string, unknown>)[key] = typeof value === 'string' ? scrub(value, token) : value;
  }
  return out;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
