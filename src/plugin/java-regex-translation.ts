/**
 * java.util.regex.Pattern syntax, parsed the way Java parses it (the same recursive descent, the same
 * errors at the same index), written out as a JavaScript RegExp in `v` mode that matches the same
 * strings. Java-only constructs are rewritten:
 * - possessive quantifiers and atomic groups `(?>…)`: a lookahead capturing what the group would match,
 *   then a back reference consuming it (JavaScript lookaheads do not backtrack, so neither does this);
 *   the extra captures are hidden from Java's group numbering;
 * - `\A`, `\z`, `\Z`, `\G`, `^`, `$`, `.`, `\b`, `\R`, `\h`, `\v`, `\s`: lookarounds and classes with
 *   Java's line terminators and Java's (ASCII) classes, whatever the flags;
 * - `\Q…\E` quoting (inside classes too), octal, `\x{…}`, `\cX` and `\e` escapes, nested class unions;
 * - POSIX classes (`\p{Alpha}`, `\p{Punct}` …), Unicode categories, scripts and binary properties
 *   (`\p{L}`, `\p{IsLatin}`, `\p{IsAlphabetic}`, `\p{javaLowerCase}` …) as Java defines them;
 * - inline flags at the start of the pattern (`(?i)`, `(?ismdxu)`): case-insensitivity is Java's
 *   ASCII-only folding (each ASCII letter stands for both cases), or Unicode folding with `u`.
 * What has no faithful equivalent is refused with a JavaRegexError saying what: flags later in the
 * pattern or scoped to a group, class intersections (`&&`), Unicode blocks (`\p{InGreek}`), `(?U)`,
 * `(?c)`, `\X`, `\N{…}`, `\b{g}`, and back references that could name a group that has not matched
 * (JavaScript matches those as empty, Java fails them).
 */

/** Thrown for a regex this engine cannot take; the message says why, without the config's name. */
export class JavaRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JavaRegexError';
  }
}

export interface JavaRegexTranslation {
  /** the RegExp source, to be used with `flags` */
  readonly source: string;
  readonly flags: string;
  /** for each Java group number (0 is the whole match), the group's number in the RegExp */
  readonly groupIndexes: readonly number[];
  /** Java group names and their numbers */
  readonly groupNames: ReadonlyMap<string, number>;
  /** groups whose value may differ from Java's in some matches (see unstableGroups) */
  readonly unstableGroups: ReadonlySet<number>;
}

const UNIX_LINES = 0x01;
const CASE_INSENSITIVE = 0x02;
const COMMENTS = 0x04;
const MULTILINE = 0x08;
const DOTALL = 0x20;
const UNICODE_CASE = 0x40;
const CANON_EQ = 0x80;
const UNICODE_CHARACTER_CLASS = 0x100;
const MAX_REPS = 0x7fffffff;

type GroupType = 'capture' | 'plain' | 'atomic' | 'ahead' | 'notAhead' | 'behind' | 'notBehind';
type Mode = 'greedy' | 'lazy' | 'possessive';

type Node =
  | { readonly kind: 'seq'; readonly items: readonly Node[] }
  | { readonly kind: 'alt'; readonly branches: readonly Node[] }
  | { readonly kind: 'group'; readonly type: GroupType; readonly index: number; readonly name?: string; readonly body: Node }
  | { readonly kind: 'repeat'; readonly body: Node; readonly min: number; readonly max: number; readonly mode: Mode; readonly question: boolean }
  /** one code point matched by a literal or a class (Java's CharProperty) */
  | { readonly kind: 'char'; readonly js: string }
  /** several literal code points (Java's Slice); `length` in UTF-16 units, as Java studies it */
  | { readonly kind: 'slice'; readonly js: string; readonly length: number }
  | { readonly kind: 'assert'; readonly js: string }
  | { readonly kind: 'linebreak' }
  | { readonly kind: 'backref'; readonly group: number; readonly at: number };

const EMPTY: Node = { kind: 'seq', items: [] };

/** The lookarounds behind Java's anchors, spelled once. */
const AT_START = '(?<![\\s\\S])';
const AT_END = '(?![\\s\\S])';
const TERMINATOR = '[\\n\\r\\u0085\\u2028\\u2029]';
const ASCII_WORD = '[a-zA-Z0-9_]';
/** Java 19+ word boundaries: an ASCII word character, or a non-spacing mark after a letter or digit */
const WORD_BEFORE = '(?<=[a-zA-Z0-9_]|[\\p{L}\\p{Nd}]\\p{Mn}+)';
const NOT_WORD_BEFORE = '(?<![a-zA-Z0-9_]|[\\p{L}\\p{Nd}]\\p{Mn}+)';
const WORD_AFTER = '(?=[a-zA-Z0-9_]|\\p{Mn}(?<=[\\p{L}\\p{Nd}]\\p{Mn}+))';
const NOT_WORD_AFTER = '(?![a-zA-Z0-9_]|\\p{Mn}(?<=[\\p{L}\\p{Nd}]\\p{Mn}+))';

/** Java's Pattern.compile(regex) as a JavaScript RegExp source; throws JavaRegexError. */
export function translateJavaRegex(regex: string): JavaRegexTranslation {
  const parser = new JavaPatternParser(regex);
  const root = parser.parse();
  const paths = groupPaths(root);
  const unstable = unstableGroups(paths);
  checkBackReferences(root, parser.flags, parser.groupCount, paths, unstable);
  return { ...new Emitter(parser.groupCount, parser.groupNames).emit(root, parser.flags), unstableGroups: unstable };
}

function isAsciiLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}
const isDigit = (cp: number) => cp >= 0x30 && cp <= 0x39;
const isHexDigit = (cp: number) => isDigit(cp) || (cp >= 0x41 && cp <= 0x46) || (cp >= 0x61 && cp <= 0x66);
const hexValue = (cp: number) => (isDigit(cp) ? cp - 0x30 : (cp | 0x20) - 0x57);
const isAsciiSpace = (cp: number) => cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
const isAlnum = (cp: number) => isAsciiLetter(cp) || isDigit(cp);

/** A code point as RegExp source in `v` mode, in or out of a class. */
function literal(cp: number): string {
  return isAlnum(cp) || cp === 0x5f ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`;
}

/** The class members for one code point under Java's ASCII-only case-insensitivity. */
function caseClosed(cp: number, asciiCase: boolean): string {
  if (!asciiCase || !isAsciiLetter(cp)) return literal(cp);
  return literal(cp | 0x20) + literal(cp & ~0x20);
}

/** Java's CIRange: a range, and the other case of the ASCII letters in it. */
function caseClosedRange(lo: number, hi: number, asciiCase: boolean): string {
  let out = `${literal(lo)}-${literal(hi)}`;
  if (!asciiCase) return out;
  const upperLo = Math.max(lo, 0x41);
  const upperHi = Math.min(hi, 0x5a);
  if (upperLo <= upperHi) out += `${literal(upperLo + 0x20)}-${literal(upperHi + 0x20)}`;
  const lowerLo = Math.max(lo, 0x61);
  const lowerHi = Math.min(hi, 0x7a);
  if (lowerLo <= lowerHi) out += `${literal(lowerLo - 0x20)}-${literal(lowerHi - 0x20)}`;
  return out;
}

const POSIX_ASCII: Readonly<Record<string, string>> = {
  ASCII: '[\\u{0}-\\u{7f}]',
  Alnum: '[a-zA-Z0-9]',
  Alpha: '[a-zA-Z]',
  Blank: '[\\u{20}\\t]',
  Cntrl: '[\\u{0}-\\u{1f}\\u{7f}]',
  Digit: '[0-9]',
  Graph: '[\\u{21}-\\u{7e}]',
  Print: '[\\u{20}-\\u{7e}]',
  Punct: '[\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}]',
  Space: '[\\u{20}\\t\\n\\u{b}\\f\\r]',
  XDigit: '[0-9a-fA-F]',
  L1: '[\\u{0}-\\u{ff}]',
  all: '[\\s\\S]',
};

const CASED_LETTERS = '[\\p{Lu}\\p{Ll}\\p{Lt}]';
const CASED = '[\\p{Lowercase}\\p{Uppercase}\\p{Lt}]';
const UNICODE_WHITE_SPACE = '[\\p{Zs}\\p{Zl}\\p{Zp}\\t-\\r\\u{85}]';
const UNICODE_HEX_DIGIT = '[\\p{Nd}0-9A-Fa-f\\u{ff10}-\\u{ff19}\\u{ff21}-\\u{ff26}\\u{ff41}-\\u{ff46}]';
const UNICODE_GRAPH = '[^\\p{Zs}\\p{Zl}\\p{Zp}\\p{Cc}\\p{Cs}\\p{Cn}]';

/** Java's forProperty: general categories, POSIX (ASCII) classes and java.lang.Character methods. */
function propertyClass(name: string, caseIns: boolean): string | null {
  if (/^(?:Cn|Lm|Lo|Mn|Me|Mc|Nd|Nl|No|Zs|Zl|Zp|Cc|Cf|Co|Cs|Pd|Ps|Pe|Pc|Po|Sm|Sc|Sk|So|Pi|Pf|L|M|N|Z|C|P|S)$/.test(name)) return `[\\p{${name}}]`;
  if (name === 'Lu' || name === 'Ll' || name === 'Lt') return caseIns ? CASED_LETTERS : `[\\p{${name}}]`;
  if (name === 'LC') return CASED_LETTERS;
  if (name === 'LD') return '[\\p{L}\\p{Nd}]';
  if (name === 'Lower') return caseIns ? POSIX_ASCII.Alpha : '[a-z]';
  if (name === 'Upper') return caseIns ? POSIX_ASCII.Alpha : '[A-Z]';
  if (Object.hasOwn(POSIX_ASCII, name)) return POSIX_ASCII[name];
  switch (name) {
    case 'javaLowerCase':
      return caseIns ? CASED : '[\\p{Lowercase}]';
    case 'javaUpperCase':
      return caseIns ? CASED : '[\\p{Uppercase}]';
    case 'javaTitleCase':
      return caseIns ? CASED : '[\\p{Lt}]';
    case 'javaAlphabetic':
      return '[\\p{Alphabetic}]';
    case 'javaIdeographic':
      return '[\\p{Ideographic}]';
    case 'javaDigit':
      return '[\\p{Nd}]';
    case 'javaDefined':
      return '[\\P{Cn}]';
    case 'javaLetter':
      return '[\\p{L}]';
    case 'javaLetterOrDigit':
      return '[\\p{L}\\p{Nd}]';
    case 'javaSpaceChar':
      return '[\\p{Zs}\\p{Zl}\\p{Zp}]';
    case 'javaWhitespace':
      return '[[\\p{Zs}\\p{Zl}\\p{Zp}\\t-\\r\\u{1c}-\\u{1f}]--[\\u{a0}\\u{2007}\\u{202f}]]';
    case 'javaISOControl':
      return '[\\u{0}-\\u{1f}\\u{7f}-\\u{9f}]';
    case 'javaMirrored':
      return '[\\p{Bidi_Mirrored}]';
    default:
      return null;
  }
}

/** Java's forUnicodeProperty (the `Is` binary properties and Unicode POSIX classes), case-insensitive names. */
function unicodePropertyClass(name: string, caseIns: boolean): string | null {
  switch (name.toUpperCase()) {
    case 'ALPHABETIC':
    case 'ALPHA':
      return '[\\p{Alphabetic}]';
    case 'ASSIGNED':
      return '[\\P{Cn}]';
    case 'CONTROL':
    case 'CNTRL':
      return '[\\p{Cc}]';
    case 'EMOJI':
      return '[\\p{Emoji}]';
    case 'EMOJI_PRESENTATION':
      return '[\\p{Emoji_Presentation}]';
    case 'EMOJI_MODIFIER':
      return '[\\p{Emoji_Modifier}]';
    case 'EMOJI_MODIFIER_BASE':
      return '[\\p{Emoji_Modifier_Base}]';
    case 'EMOJI_COMPONENT':
      return '[\\p{Emoji_Component}]';
    case 'EXTENDED_PICTOGRAPHIC':
      return '[\\p{Extended_Pictographic}]';
    case 'HEXDIGIT':
    case 'HEX_DIGIT':
    case 'XDIGIT':
      return UNICODE_HEX_DIGIT;
    case 'IDEOGRAPHIC':
      return '[\\p{Ideographic}]';
    case 'JOINCONTROL':
    case 'JOIN_CONTROL':
      return '[\\u{200c}\\u{200d}]';
    case 'LETTER':
      return '[\\p{L}]';
    case 'LOWERCASE':
    case 'LOWER':
      return caseIns ? CASED : '[\\p{Lowercase}]';
    case 'UPPERCASE':
    case 'UPPER':
      return caseIns ? CASED : '[\\p{Uppercase}]';
    case 'TITLECASE':
      return caseIns ? CASED : '[\\p{Lt}]';
    case 'NONCHARACTERCODEPOINT':
    case 'NONCHARACTER_CODE_POINT':
      return '[\\p{Noncharacter_Code_Point}]';
    case 'PUNCTUATION':
    case 'PUNCT':
      return '[\\p{P}]';
    case 'WHITESPACE':
    case 'WHITE_SPACE':
    case 'SPACE':
      return UNICODE_WHITE_SPACE;
    case 'WORD':
      return '[\\p{Alphabetic}\\p{Mn}\\p{Me}\\p{Mc}\\p{Nd}\\p{Pc}\\u{200c}\\u{200d}]';
    case 'ALNUM':
      return '[\\p{Alphabetic}\\p{Nd}]';
    case 'DIGIT':
      return '[\\p{Nd}]';
    case 'BLANK':
      return '[\\p{Zs}\\t]';
    case 'GRAPH':
      return UNICODE_GRAPH;
    case 'PRINT':
      return `[[${UNICODE_GRAPH}[\\p{Zs}\\t]]--[\\p{Cc}]]`;
    default:
      return null;
  }
}

/** Character.UnicodeScript.forName: the enum name or its 4-letter code, in any case; null when unknown here. */
function scriptClass(name: string): string | null {
  // JavaScript knows scripts by their Unicode names (Old_Italic) and codes (Latn), case-sensitively
  const candidate = name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('_');
  if (!/^[A-Za-z_]+$/.test(candidate)) return null;
  try {
    new RegExp(`\\p{Script=${candidate}}`, 'v');
    return `[\\p{Script=${candidate}}]`;
  } catch {
    return null;
  }
}

class JavaPatternParser {
  readonly #pattern: string;
  /** code points after \Q…\E removal, with Java's two zero terminators */
  #temp: number[];
  #length: number;
  #cursor = 0;
  flags = 0;
  /** Java's capturingGroupCount: the next group number */
  #nextGroup = 1;
  readonly groupNames = new Map<string, number>();
  /** still before the first node of the pattern: where inline flags apply to all of it */
  #atStart = true;
  #depth = 0;

  constructor(pattern: string) {
    this.#pattern = pattern;
    const codePoints = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
    this.#length = codePoints.length;
    this.#temp = [...codePoints, 0, 0];
    this.#removeQEQuoting();
  }

  get groupCount(): number {
    return this.#nextGroup - 1;
  }

  parse(): Node {
    const root = this.#expr();
    if (this.#length !== this.#cursor) {
      if (this.#peek() === 0x29) throw this.#error("Unmatched closing ')'");
      if (this.#cursor === this.#length + 1 && this.#temp[this.#length - 1] === 0x5c) throw this.#error('Unescaped trailing backslash');
      throw this.#error('Unexpected internal error');
    }
    return root;
  }

  // --- Java's input primitives (COMMENTS mode skips spaces and #-comments at the same points) ---

  #has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  #error(description: string): JavaRegexError {
    const index = this.#cursor - 1;
    let message = `${description}${index >= 0 ? ` near index ${index}` : ''}\n${this.#pattern}`;
    if (index >= 0 && index < this.#pattern.length) message += `\n${' '.repeat(index)}^`;
    return new JavaRegexError(message);
  }

  #unsupported(what: string): JavaRegexError {
    return new JavaRegexError(`it uses ${what}, which this worker's regex engine does not support`);
  }

  #at(i: number): number {
    return this.#temp[i] ?? 0;
  }

  #accept(ch: number, description: string): void {
    let test = this.#at(this.#cursor++);
    if (this.#has(COMMENTS)) test = this.#parsePastWhitespace(test);
    if (ch !== test) throw this.#error(description);
  }

  #peek(): number {
    const ch = this.#at(this.#cursor);
    return this.#has(COMMENTS) ? this.#peekPastWhitespace(ch) : ch;
  }

  #read(): number {
    const ch = this.#at(this.#cursor++);
    return this.#has(COMMENTS) ? this.#parsePastWhitespace(ch) : ch;
  }

  #next(): number {
    const ch = this.#at(++this.#cursor);
    return this.#has(COMMENTS) ? this.#peekPastWhitespace(ch) : ch;
  }

  #nextEscaped(): number {
    return this.#at(++this.#cursor);
  }

  #skip(): number {
    const ch = this.#at(this.#cursor + 1);
    this.#cursor += 2;
    return ch;
  }

  #unread(): void {
    this.#cursor--;
  }

  #peekPastWhitespace(first: number): number {
    let ch = first;
    while (isAsciiSpace(ch) || ch === 0x23) {
      while (isAsciiSpace(ch)) ch = this.#at(++this.#cursor);
      if (ch === 0x23) ch = this.#peekPastLine();
    }
    return ch;
  }

  #parsePastWhitespace(first: number): number {
    let ch = first;
    while (isAsciiSpace(ch) || ch === 0x23) {
      while (isAsciiSpace(ch)) ch = this.#at(this.#cursor++);
      if (ch === 0x23) ch = this.#parsePastLine();
    }
    return ch;
  }

  #parsePastLine(): number {
    let ch = this.#at(this.#cursor++);
    while (ch !== 0 && !this.#isLineSeparator(ch)) ch = this.#at(this.#cursor++);
    if (ch === 0 && this.#cursor > this.#length) {
      this.#cursor = this.#length;
      ch = this.#at(this.#cursor++);
    }
    return ch;
  }

  #peekPastLine(): number {
    let ch = this.#at(++this.#cursor);
    while (ch !== 0 && !this.#isLineSeparator(ch)) ch = this.#at(++this.#cursor);
    if (ch === 0 && this.#cursor > this.#length) {
      this.#cursor = this.#length;
      ch = this.#at(this.#cursor);
    }
    return ch;
  }

  #isLineSeparator(ch: number): boolean {
    if (this.#has(UNIX_LINES)) return ch === 0x0a;
    return ch === 0x0a || ch === 0x0d || (ch | 1) === 0x2029 || ch === 0x85;
  }

  /** Java's RemoveQEQuoting: `\Q…\E` becomes the same text with its metacharacters escaped. */
  #removeQEQuoting(): void {
    const temp = this.#temp;
    const length = this.#length;
    let i = 0;
    while (i < length - 1) {
      if (temp[i] !== 0x5c) i += 1;
      else if (temp[i + 1] !== 0x51) i += 2;
      else break;
    }
    if (i >= length - 1) return;
    const out = temp.slice(0, i);
    i += 2;
    let inQuote = true;
    let beginQuote = true;
    while (i < length) {
      const c = temp[i++];
      if (c > 0x7f || isAsciiLetter(c)) out.push(c);
      else if (isDigit(c)) {
        // a digit right after the quote must not extend an escape before it: written as \x3n
        if (beginQuote) out.push(0x5c, 0x78, 0x33);
        out.push(c);
      } else if (c !== 0x5c) {
        if (inQuote) out.push(0x5c);
        out.push(c);
      } else if (inQuote) {
        if (temp[i] === 0x45) {
          i++;
          inQuote = false;
        } else out.push(0x5c, 0x5c);
      } else if (temp[i] === 0x51) {
        i++;
        inQuote = true;
        beginQuote = true;
        continue;
      } else {
        out.push(c);
        if (i !== length) out.push(temp[i++]);
      }
      beginQuote = false;
    }
    this.#length = out.length;
    this.#temp = [...out, 0, 0];
  }

  // --- Java's recursive descent ---

  #expr(): Node {
    const branches: Node[] = [];
    for (;;) {
      branches.push(this.#sequence());
      if (this.#peek() !== 0x7c) break;
      this.#next();
      this.#atStart = false;
    }
    return branches.length === 1 ? branches[0] : { kind: 'alt', branches };
  }

  #sequence(): Node {
    const items: Node[] = [];
    for (;;) {
      const ch = this.#peek();
      let node: Node;
      switch (ch) {
        case 0x28: {
          // (
          const group = this.#group0();
          if (group !== null) {
            items.push(group);
            this.#atStart = false;
          }
          continue;
        }
        case 0x5b:
          // [
          node = { kind: 'char', js: this.#clazz(true) };
          break;
        case 0x5c: {
          const escaped = this.#nextEscaped();
          if (escaped === 0x70 || escaped === 0x50) {
            // \p \P
            let oneLetter = true;
            const complement = escaped === 0x50;
            if (this.#next() !== 0x7b) this.#unread();
            else oneLetter = false;
            node = { kind: 'char', js: this.#family(oneLetter, complement) };
          } else {
            this.#unread();
            node = this.#atom();
          }
          break;
        }
        case 0x5e:
          // ^
          this.#next();
          node = { kind: 'assert', js: this.#caret() };
          break;
        case 0x24:
          // $
          this.#next();
          node = { kind: 'assert', js: this.#dollar(this.#has(MULTILINE)) };
          break;
        case 0x2e:
          // .
          this.#next();
          node = { kind: 'char', js: this.#has(DOTALL) ? '[\\s\\S]' : this.#has(UNIX_LINES) ? '[^\\n]' : `[^${TERMINATOR.slice(1, -1)}]` };
          break;
        case 0x7c:
        case 0x29:
          return items.length === 1 ? items[0] : { kind: 'seq', items };
        case 0x5d:
        case 0x7d:
          node = this.#atom();
          break;
        case 0x3f:
        case 0x2a:
        case 0x2b:
          this.#next();
          throw this.#error(`Dangling meta character '${String.fromCodePoint(ch)}'`);
        case 0:
          if (this.#cursor >= this.#length) return items.length === 1 ? items[0] : { kind: 'seq', items };
          node = this.#atom();
          break;
        default:
          node = this.#atom();
      }
      this.#atStart = false;
      items.push(this.#closure(node));
    }
  }

  #caret(): string {
    if (!this.#has(MULTILINE)) return AT_START;
    // not at the end of input; at the start, or after a line terminator (not between \r and \n)
    if (this.#has(UNIX_LINES)) return `(?=[\\s\\S])(?:${AT_START}|(?<=\\n))`;
    return `(?=[\\s\\S])(?:${AT_START}|(?<=[\\n\\u0085\\u2028\\u2029])|(?<=\\r)(?!\\n))`;
  }

  /** Java's Dollar / UnixDollar: the end, or before a (final, unless multiline) line terminator. */
  #dollar(multiline: boolean): string {
    if (this.#has(UNIX_LINES)) return multiline ? `(?=\\n|${AT_END})` : `(?=\\n?${AT_END})`;
    if (multiline) return `(?=[\\r\\u0085\\u2028\\u2029]|(?<!\\r)\\n|${AT_END})`;
    return `(?=(?:\\r\\n|(?<!\\r)\\n|[\\r\\u0085\\u2028\\u2029])?${AT_END})`;
  }

  #atom(): Node {
    const codePoints: number[] = [];
    let prev = -1;
    let ch = this.#peek();
    for (;;) {
      if (ch === 0x2a || ch === 0x2b || ch === 0x3f || ch === 0x7b) {
        // a quantifier applies to the last character only
        if (codePoints.length > 1) {
          this.#cursor = prev;
          codePoints.pop();
        }
        break;
      }
      if (ch === 0x24 || ch === 0x2e || ch === 0x5e || ch === 0x28 || ch === 0x5b || ch === 0x7c || ch === 0x29) break;
      if (ch === 0x5c) {
        ch = this.#nextEscaped();
        if (ch === 0x70 || ch === 0x50) {
          if (codePoints.length > 0) {
            this.#unread();
            break;
          }
          const complement = ch === 0x50;
          let oneLetter = true;
          if (this.#next() !== 0x7b) this.#unread();
          else oneLetter = false;
          return { kind: 'char', js: this.#family(oneLetter, complement) };
        }
        this.#unread();
        prev = this.#cursor;
        const escaped = this.#escape(false, codePoints.length === 0, false);
        if (typeof escaped === 'number') {
          codePoints.push(escaped);
          ch = this.#peek();
          continue;
        }
        if (codePoints.length === 0) return escaped ?? EMPTY;
        this.#cursor = prev;
        break;
      }
      if (ch === 0 && this.#cursor >= this.#length) break;
      prev = this.#cursor;
      codePoints.push(ch);
      ch = this.#next();
    }
    if (codePoints.length === 1) return { kind: 'char', js: this.#single(codePoints[0]) };
    const asciiCase = this.#asciiCase();
    return {
      kind: 'slice',
      js: codePoints.map((cp) => (asciiCase && isAsciiLetter(cp) ? `[${caseClosed(cp, true)}]` : literal(cp))).join(''),
      length: codePoints.reduce((n, cp) => n + (cp > 0xffff ? 2 : 1), 0),
    };
  }

  /** Java's ASCII-only case-insensitivity, which this translation spells out (Unicode folding uses the `i` flag). */
  #asciiCase(): boolean {
    return this.#has(CASE_INSENSITIVE) && !this.#has(UNICODE_CASE);
  }

  #single(cp: number): string {
    return this.#asciiCase() && isAsciiLetter(cp) ? `[${caseClosed(cp, true)}]` : literal(cp);
  }

  /**
   * Java's escape(): a code point, or the node of a class or an assertion; null when `create` is false
   * and the escape is not a character.
   */
  #escape(inClass: boolean, create: boolean, isRange: boolean): number | Node | null {
    const ch = this.#skip();
    const predicate = (js: string): Node | null => (inClass || create ? { kind: 'char', js } : null);
    const assertion = (js: string): Node | null => (create ? { kind: 'assert', js } : null);
    switch (ch) {
      case 0x30:
        return this.#octal();
      case 0x31:
      case 0x32:
      case 0x33:
      case 0x34:
      case 0x35:
      case 0x36:
      case 0x37:
      case 0x38:
      case 0x39:
        if (inClass) break;
        return create ? this.#ref(ch - 0x30) : null;
      case 0x41: // A
        if (inClass) break;
        return assertion(AT_START);
      case 0x42: // B
        if (inClass) break;
        return assertion(`(?:${WORD_BEFORE}${WORD_AFTER}|${NOT_WORD_BEFORE}${NOT_WORD_AFTER})`);
      case 0x44: // D
        return predicate('[^0-9]');
      case 0x47: // G: where the previous match ended; a whole-input match starts at 0
        if (inClass) break;
        return assertion(AT_START);
      case 0x48: // H
        return predicate('[^\\u{20}\\t\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}]');
      case 0x4e: // N{name}
        throw this.#unsupported('\\N{…} character names');
      case 0x52: // R
        if (inClass) break;
        return create ? { kind: 'linebreak' } : null;
      case 0x53: // S
        return predicate('[^\\u{20}\\t\\n\\u{b}\\f\\r]');
      case 0x56: // V
        return predicate('[^\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}]');
      case 0x57: // W
        return predicate('[^a-zA-Z0-9_]');
      case 0x58: // X
        if (inClass) break;
        throw this.#unsupported('\\X grapheme clusters');
      case 0x5a: // Z
        if (inClass) break;
        return assertion(this.#dollar(false));
      case 0x61: // a
        return 0x07;
      case 0x62: // b
        if (inClass) break;
        if (this.#peek() === 0x7b) throw this.#unsupported('\\b{g} grapheme boundaries');
        return assertion(`(?:${WORD_BEFORE}${NOT_WORD_AFTER}|${NOT_WORD_BEFORE}${WORD_AFTER})`);
      case 0x63: // c
        if (this.#cursor < this.#length) return this.#read() ^ 64;
        throw this.#error('Illegal control escape sequence');
      case 0x64: // d
        return predicate('[0-9]');
      case 0x65: // e
        return 0x1b;
      case 0x66: // f
        return 0x0c;
      case 0x68: // h
        return predicate('[\\u{20}\\t\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}]');
      case 0x6b: {
        // k<name>
        if (inClass) break;
        if (this.#read() !== 0x3c) throw this.#error("\\k is not followed by '<' for named capturing group");
        const name = this.#groupName(this.#read());
        const group = this.groupNames.get(name);
        if (group === undefined) throw this.#error(`named capturing group <${name}> does not exist`);
        return create ? { kind: 'backref', group, at: this.#cursor } : null;
      }
      case 0x6e:
        return 0x0a;
      case 0x72:
        return 0x0d;
      case 0x73: // s
        return predicate('[\\u{20}\\t\\n\\u{b}\\f\\r]');
      case 0x74:
        return 0x09;
      case 0x75:
        return this.#unicodeEscape();
      case 0x76: // v: vertical whitespace, or VT as a range end
        if (isRange) return 0x0b;
        return predicate('[\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}]');
      case 0x77: // w
        return predicate(`${ASCII_WORD}`);
      case 0x78:
        return this.#hex();
      case 0x7a: // z
        if (inClass) break;
        return assertion(AT_END);
      case 0x43:
      case 0x45:
      case 0x46:
      case 0x49:
      case 0x4a:
      case 0x4b:
      case 0x4c:
      case 0x4d:
      case 0x4f:
      case 0x50:
      case 0x51:
      case 0x54:
      case 0x55:
      case 0x59:
      case 0x67:
      case 0x69:
      case 0x6a:
      case 0x6c:
      case 0x6d:
      case 0x6f:
      case 0x70:
      case 0x71:
      case 0x79:
        break;
      default:
        return ch;
    }
    throw this.#error('Illegal/unsupported escape sequence');
  }

  #ref(first: number): Node {
    let group = first;
    for (;;) {
      const ch = this.#peek();
      if (!isDigit(ch)) break;
      const longer = group * 10 + (ch - 0x30);
      if (this.#nextGroup - 1 < longer) break;
      group = longer;
      this.#read();
    }
    return { kind: 'backref', group, at: this.#cursor };
  }

  #octal(): number {
    const n = this.#read();
    if (n >= 0x30 && n <= 0x37) {
      const m = this.#read();
      if (m >= 0x30 && m <= 0x37) {
        const o = this.#read();
        if (o >= 0x30 && o <= 0x37 && n <= 0x33) return (n - 0x30) * 64 + (m - 0x30) * 8 + (o - 0x30);
        this.#unread();
        return (n - 0x30) * 8 + (m - 0x30);
      }
      this.#unread();
      return n - 0x30;
    }
    throw this.#error('Illegal octal escape sequence');
  }

  #hex(): number {
    let n = this.#read();
    if (isHexDigit(n)) {
      const m = this.#read();
      if (isHexDigit(m)) return hexValue(n) * 16 + hexValue(m);
    } else if (n === 0x7b && isHexDigit(this.#peek())) {
      let cp = 0;
      while (isHexDigit((n = this.#read()))) {
        cp = cp * 16 + hexValue(n);
        if (cp > 0x10ffff) throw this.#error('Hexadecimal codepoint is too big');
      }
      if (n !== 0x7d) throw this.#error('Unclosed hexadecimal escape sequence');
      return cp;
    }
    throw this.#error('Illegal hexadecimal escape sequence');
  }

  #uxxxx(): number {
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const ch = this.#read();
      if (!isHexDigit(ch)) throw this.#error('Illegal Unicode escape sequence');
      n = n * 16 + hexValue(ch);
    }
    return n;
  }

  #unicodeEscape(): number {
    const n = this.#uxxxx();
    if (n >= 0xd800 && n <= 0xdbff) {
      const cursor = this.#cursor;
      if (this.#read() === 0x5c && this.#read() === 0x75) {
        const low = this.#uxxxx();
        if (low >= 0xdc00 && low <= 0xdfff) return (n - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
      }
      this.#cursor = cursor;
    }
    return n;
  }

  /** Java's clazz(): a class as a `v`-mode class; nested classes are unions, `&&` is refused. */
  #clazz(consume: boolean): string {
    const operands: string[] = [];
    let negated = false;
    let ch = this.#next();
    if (ch === 0x5e && this.#at(this.#cursor - 1) === 0x5b) {
      ch = this.#next();
      negated = true;
    }
    for (;;) {
      if (ch === 0x5b) {
        operands.push(this.#clazz(true));
        ch = this.#peek();
        continue;
      }
      if (ch === 0x26) {
        ch = this.#next();
        if (ch === 0x26) throw this.#unsupported('character class intersections (&&)');
        this.#unread();
      } else if (ch === 0 && this.#cursor >= this.#length) {
        throw this.#error('Unclosed character class');
      } else if (ch === 0x5d && operands.length > 0) {
        if (consume) this.#next();
        return `[${negated ? '^' : ''}${operands.join('')}]`;
      }
      operands.push(this.#range());
      ch = this.#peek();
    }
  }

  /** Java's range(): one class member (a character, a range, an escape's class or a property). */
  #range(): string {
    let ch = this.#peek();
    if (ch === 0x5c) {
      ch = this.#nextEscaped();
      if (ch === 0x70 || ch === 0x50) {
        const complement = ch === 0x50;
        let oneLetter = true;
        if (this.#next() !== 0x7b) this.#unread();
        else oneLetter = false;
        return this.#family(oneLetter, complement);
      }
      const isRange = this.#at(this.#cursor + 1) === 0x2d;
      this.#unread();
      const escaped = this.#escape(true, true, isRange);
      if (typeof escaped !== 'number') {
        // in a class, escape() gives only characters and classes
        if (escaped?.kind !== 'char') throw this.#error('Illegal/unsupported escape sequence');
        return escaped.js;
      }
      ch = escaped;
    } else {
      this.#next();
    }
    const asciiCase = this.#asciiCase();
    if (this.#peek() === 0x2d) {
      const end = this.#at(this.#cursor + 1);
      if (end === 0x5b) return caseClosed(ch, asciiCase);
      if (end !== 0x5d) {
        this.#next();
        let m = this.#peek();
        if (m === 0x5c) {
          const escaped = this.#escape(true, false, true);
          m = typeof escaped === 'number' ? escaped : -1;
        } else this.#next();
        if (m < ch) throw this.#error('Illegal character range');
        return caseClosedRange(ch, m, asciiCase);
      }
    }
    return caseClosed(ch, asciiCase);
  }

  /** Java's family(): `\p{…}` and `\P{…}` as a class. */
  #family(singleLetter: boolean, complement: boolean): string {
    this.#next();
    let name: string;
    if (singleLetter) {
      name = String.fromCodePoint(this.#at(this.#cursor));
      this.#read();
    } else {
      const start = this.#cursor;
      this.#temp[this.#length] = 0x7d;
      while (this.#read() !== 0x7d) {
        // up to the closing brace
      }
      this.#temp[this.#length] = 0;
      const end = this.#cursor;
      if (end > this.#length) throw this.#error('Unclosed character family');
      if (start + 1 >= end) throw this.#error('Empty character family');
      name = String.fromCodePoint(...this.#temp.slice(start, end - 1));
    }
    const caseIns = this.#has(CASE_INSENSITIVE);
    let cls: string | null;
    const equals = name.indexOf('=');
    if (equals !== -1) {
      const value = name.slice(equals + 1);
      const key = name.slice(0, equals).toLowerCase();
      if (key === 'sc' || key === 'script') cls = scriptClass(value);
      else if (key === 'blk' || key === 'block') throw this.#unsupported(`the Unicode block \\p{${name}}`);
      else if (key === 'gc' || key === 'general_category') cls = propertyClass(value, caseIns);
      else throw this.#error(`Unknown Unicode property {name=<${key}>, value=<${value}>}`);
    } else if (name.startsWith('In')) {
      throw this.#unsupported(`the Unicode block \\p{${name}}`);
    } else if (name.startsWith('Is')) {
      const short = name.slice(2);
      cls = unicodePropertyClass(short, caseIns) ?? propertyClass(short, caseIns) ?? scriptClass(short);
    } else {
      if (this.#has(UNICODE_CHARACTER_CLASS)) throw this.#unsupported('(?U)');
      cls = propertyClass(name, caseIns);
    }
    if (cls === null) throw this.#unsupported(`the character property \\p{${name}} (unknown to Java or not translated)`);
    return complement ? `[^${cls}]` : cls;
  }

  #groupName(first: number): string {
    if (!isAsciiLetter(first)) throw this.#error('capturing group name does not start with a Latin letter');
    let name = '';
    let ch = first;
    do name += String.fromCodePoint(ch);
    while (isAlnum((ch = this.#read())));
    if (ch !== 0x3e) throw this.#error("named capturing group is missing trailing '>'");
    return name;
  }

  /** Java's group0(): a group with its quantifier, or null for an inline flag group. */
  #group0(): Node | null {
    let ch = this.#next();
    let type: GroupType = 'capture';
    let index = 0;
    let name: string | undefined;
    if (ch === 0x3f) {
      ch = this.#skip();
      if (ch === 0x3a) type = 'plain';
      else if (ch === 0x3d) type = 'ahead';
      else if (ch === 0x21) type = 'notAhead';
      else if (ch === 0x3e) type = 'atomic';
      else if (ch === 0x3c) {
        ch = this.#read();
        if (ch !== 0x3d && ch !== 0x21) {
          name = this.#groupName(ch);
          if (this.groupNames.has(name)) throw this.#error(`Named capturing group <${name}> is already defined`);
          index = this.#nextGroup++;
          this.groupNames.set(name, index);
        } else type = ch === 0x3d ? 'behind' : 'notBehind';
      } else if (ch === 0x24 || ch === 0x40) {
        throw this.#error('Unknown group type');
      } else {
        this.#unread();
        const before = this.flags;
        this.#addFlags();
        ch = this.#read();
        if (ch === 0x29) {
          if (!this.#atStart || this.#depth > 0) {
            if (this.flags === before) return null;
            throw this.#unsupported('inline flags after the start of the pattern');
          }
          if (this.#has(CANON_EQ)) throw this.#unsupported('the canonical-equivalence flag (?c)');
          if (this.#has(UNICODE_CHARACTER_CLASS)) throw this.#unsupported('the Unicode character class flag (?U)');
          return null;
        }
        if (ch !== 0x3a) throw this.#error('Unknown inline modifier');
        throw this.#unsupported('flags scoped to a group (?flags:…)');
      }
    } else {
      index = this.#nextGroup++;
    }
    this.#depth++;
    const body = this.#expr();
    this.#depth--;
    if ((type === 'behind' || type === 'notBehind') && !studyFresh(body).maxValid) {
      throw this.#error('Look-behind group does not have an obvious maximum length');
    }
    this.#accept(0x29, 'Unclosed group');
    const group: Node = { kind: 'group', type, index, ...(name !== undefined ? { name } : {}), body };
    return this.#closure(group);
  }

  #addFlags(): void {
    let ch = this.#peek();
    let on = true;
    for (;;) {
      const flag = {
        i: CASE_INSENSITIVE,
        m: MULTILINE,
        s: DOTALL,
        d: UNIX_LINES,
        u: UNICODE_CASE,
        c: CANON_EQ,
        x: COMMENTS,
        U: UNICODE_CHARACTER_CLASS | UNICODE_CASE,
      }[String.fromCodePoint(ch)];
      if (flag === undefined) {
        if (ch !== 0x2d || !on) return;
        on = false;
      } else if (on) this.flags |= flag;
      else this.flags &= ~(ch === 0x55 ? UNICODE_CHARACTER_CLASS | UNICODE_CASE : flag);
      ch = this.#next();
    }
  }

  #qtype(): Mode {
    const ch = this.#next();
    if (ch === 0x3f) {
      this.#next();
      return 'lazy';
    }
    if (ch === 0x2b) {
      this.#next();
      return 'possessive';
    }
    return 'greedy';
  }

  /** Java's closure(): the quantifier after an atom or group, if any. */
  #closure(prev: Node): Node {
    const ch = this.#peek();
    switch (ch) {
      case 0x3f:
        return { kind: 'repeat', body: prev, min: 0, max: 1, mode: this.#qtype(), question: true };
      case 0x2a:
        return { kind: 'repeat', body: prev, min: 0, max: MAX_REPS, mode: this.#qtype(), question: false };
      case 0x2b:
        return { kind: 'repeat', body: prev, min: 1, max: MAX_REPS, mode: this.#qtype(), question: false };
      case 0x7b: {
        let c = this.#skip();
        if (!isDigit(c)) throw this.#error('Illegal repetition');
        let min = 0;
        let max: number;
        do {
          min = min * 10 + (c - 0x30);
          if (min > MAX_REPS) throw this.#error('Illegal repetition range');
        } while (isDigit((c = this.#read())));
        if (c === 0x2c) {
          c = this.#read();
          if (c === 0x7d) {
            this.#unread();
            return { kind: 'repeat', body: prev, min, max: MAX_REPS, mode: this.#qtype(), question: false };
          }
          max = 0;
          while (isDigit(c)) {
            max = max * 10 + (c - 0x30);
            if (max > MAX_REPS) throw this.#error('Illegal repetition range');
            c = this.#read();
          }
        } else max = min;
        if (c !== 0x7d) throw this.#error('Unclosed counted closure');
        if (max < min) throw this.#error('Illegal repetition range');
        this.#unread();
        return { kind: 'repeat', body: prev, min, max, mode: this.#qtype(), question: min === 0 && max === 1 };
      }
      default:
        return prev;
    }
  }
}

interface TreeInfo {
  min: number;
  max: number;
  maxValid: boolean;
  deterministic: boolean;
}

function studyFresh(node: Node): TreeInfo {
  const info: TreeInfo = { min: 0, max: 0, maxValid: true, deterministic: true };
  studyChain([node], info);
  return info;
}

/**
 * Java's Node.study over a chain of nodes (a node, then what follows it up to the end of its group),
 * which decides whether a lookbehind has an "obvious maximum length". Lengths add up in 32-bit ints and
 * only some nodes notice an overflow; an alternation studies what follows it afresh and adds it
 * unchecked. Kept as Java has it, so that exactly the same lookbehinds are refused.
 */
function studyChain(chain: readonly Node[], info: TreeInfo): void {
  for (let i = 0; i < chain.length; i++) {
    const node = chain[i];
    const rest = chain.slice(i + 1);
    switch (node.kind) {
      case 'seq':
        studyChain([...node.items, ...rest], info);
        return;
      case 'alt':
        branchStudy(node.branches, rest, info);
        return;
      case 'group':
        if (node.type === 'capture' || node.type === 'plain') {
          studyChain([node.body, ...rest], info);
          return;
        }
        // an atomic group adds its body; lookarounds add nothing
        if (node.type === 'atomic') studyChain([node.body], info);
        break;
      case 'char':
        info.min = (info.min + 1) | 0;
        info.max = (info.max + 1) | 0;
        break;
      case 'slice':
        info.min = (info.min + node.length) | 0;
        info.max = (info.max + node.length) | 0;
        break;
      case 'linebreak':
        info.min = (info.min + 1) | 0;
        info.max = (info.max + 2) | 0;
        break;
      case 'backref':
        info.maxValid = false;
        break;
      case 'assert':
        break;
      case 'repeat':
        if (repeatStudy(node, rest, info)) return;
    }
  }
}

function branchStudy(branches: readonly (Node | null)[], rest: readonly Node[], info: TreeInfo): void {
  let minL = info.min;
  let maxL = info.max;
  let maxV = info.maxValid;
  let minL2 = MAX_REPS;
  let maxL2 = -1;
  for (const branch of branches) {
    const sub = branch === null ? { min: 0, max: 0, maxValid: true, deterministic: true } : studyFresh(branch);
    minL2 = Math.min(minL2, sub.min);
    maxL2 = Math.max(maxL2, sub.max);
    maxV = maxV && sub.maxValid;
  }
  minL = (minL + minL2) | 0;
  maxL = (maxL + maxL2) | 0;
  const after: TreeInfo = { min: 0, max: 0, maxValid: true, deterministic: true };
  studyChain(rest, after);
  info.min = (after.min + minL) | 0;
  info.max = (after.max + maxL) | 0;
  info.maxValid = after.maxValid && maxV;
  info.deterministic = false;
}

/** A quantifier's part of the study; true when it also studied what follows (an alternation does). */
function repeatStudy(node: Extract<Node, { kind: 'repeat' }>, rest: readonly Node[], info: TreeInfo): boolean {
  // lookarounds and atomic groups are single nodes to Java's closure; only these become GroupCurly or Loop
  const group = node.body.kind === 'group' && (node.body.type === 'capture' || node.body.type === 'plain');
  if (node.question) {
    if (group && node.mode !== 'possessive') {
      branchStudy([node.body, null], rest, info);
      return true;
    }
    const minL = info.min;
    studyChain([node.body], info);
    info.min = minL;
    info.deterministic = false;
    return false;
  }
  if (node.body.kind === 'char' && node.max === MAX_REPS && node.mode === 'greedy') {
    // CharPropertyGreedy: adds "infinity" to the maximum without an overflow check
    info.min = (info.min + node.min) | 0;
    if (info.maxValid) info.max = (info.max + MAX_REPS) | 0;
    info.deterministic = false;
    return false;
  }
  if (group && node.mode !== 'possessive' && !studyFresh(node.body).deterministic) {
    // Loop
    info.maxValid = false;
    info.deterministic = false;
    return false;
  }
  // Curly and GroupCurly
  const minL = info.min;
  const maxL = info.max;
  const maxV = info.maxValid;
  const detm = info.deterministic;
  const body = studyFresh(node.body);
  let temp = (Math.imul(body.min, node.min) + minL) | 0;
  if (temp < minL) temp = 0xfffffff;
  info.min = temp;
  if (maxV && body.maxValid) {
    temp = (Math.imul(body.max, node.max) + maxL) | 0;
    info.max = temp;
    info.maxValid = temp >= maxL;
  } else info.maxValid = false;
  info.deterministic = body.deterministic && node.min === node.max ? detm : false;
  return false;
}

interface Frame {
  readonly node: Node;
  readonly child: number;
}

/** The shortest text a node can match. */
function minLength(node: Node): number {
  switch (node.kind) {
    case 'seq':
      return node.items.reduce((n, item) => n + minLength(item), 0);
    case 'alt':
      return Math.min(...node.branches.map(minLength));
    case 'group':
      return node.type === 'capture' || node.type === 'plain' || node.type === 'atomic' ? minLength(node.body) : 0;
    case 'repeat':
      return node.min * minLength(node.body);
    case 'char':
    case 'linebreak':
      return 1;
    case 'slice':
      return node.length;
    default:
      return 0;
  }
}

/** Where each capture group sits: the nodes enclosing it, outermost first, with the child taken. */
function groupPaths(root: Node): Map<number, readonly Frame[]> {
  const paths = new Map<number, readonly Frame[]>();
  const walk = (node: Node, path: readonly Frame[]): void => {
    const at = (child: number) => [...path, { node, child }];
    if (node.kind === 'seq') for (const [i, item] of node.items.entries()) walk(item, at(i));
    else if (node.kind === 'alt') for (const [i, branch] of node.branches.entries()) walk(branch, at(i));
    else if (node.kind === 'group' || node.kind === 'repeat') {
      if (node.kind === 'group' && node.type === 'capture') paths.set(node.index, path);
      walk(node.body, at(0));
    }
  };
  walk(root, []);
  return paths;
}

/**
 * Groups inside a repeated group whose value JavaScript may give differently: it resets a group at each
 * repetition and drops an optional repetition that matched nothing, where Java keeps the last value set.
 * That can differ when something between the repetition and the group may skip the group (an
 * alternation, an optional part, a negative lookaround), or when an optional repetition can match nothing.
 * And Java keeps what an atomic group or a possessive repetition captured even when the match then
 * succeeds another way.
 */
function unstableGroups(paths: ReadonlyMap<number, readonly Frame[]>): Set<number> {
  const unstable = new Set<number>();
  for (const [group, path] of paths) {
    let conditional = false;
    for (let i = path.length - 1; i >= 0; i--) {
      const node = path[i].node;
      if (node.kind === 'alt' || (node.kind === 'group' && (node.type === 'notAhead' || node.type === 'notBehind'))) conditional = true;
      // Java does not undo what an atomic or possessive part captured when the match goes on another way
      if ((node.kind === 'group' && node.type === 'atomic') || (node.kind === 'repeat' && node.mode === 'possessive')) unstable.add(group);
      if (node.kind !== 'repeat') continue;
      // JavaScript also refuses an optional repetition that matches nothing, dropping what it captured
      if ((node.max > 1 && conditional) || (node.max > node.min && minLength(node.body) === 0)) unstable.add(group);
      if (node.min === 0) conditional = true;
    }
  }
  return unstable;
}

/**
 * JavaScript matches a back reference to a group that has not matched as the empty string; Java fails
 * it. A reference is taken only where both agree: the group closed before it, nothing between the group
 * and what it shares with the reference (an alternation, an optional repeat, a negative lookaround) could
 * have skipped it, and its value is not one of a repetition's (see unstableGroups). Java's
 * case-insensitive references fold ASCII only; without `u` they are refused.
 */
function checkBackReferences(root: Node, flags: number, groupCount: number, paths: ReadonlyMap<number, readonly Frame[]>, unstable: ReadonlySet<number>): void {
  const closed = new Set<number>();
  const walk = (node: Node, path: readonly Frame[]): void => {
    const at = (child: number) => [...path, { node, child }];
    switch (node.kind) {
      case 'seq':
        for (const [i, item] of node.items.entries()) walk(item, at(i));
        return;
      case 'alt':
        for (const [i, branch] of node.branches.entries()) walk(branch, at(i));
        return;
      case 'group':
        walk(node.body, at(0));
        if (node.type === 'capture') closed.add(node.index);
        return;
      case 'repeat':
        walk(node.body, at(0));
        return;
      case 'backref': {
        // a group the pattern does not have: Java's reference never matches, nor does (?!)
        if (node.group > groupCount) return;
        if ((flags & CASE_INSENSITIVE) !== 0 && (flags & UNICODE_CASE) === 0) {
          throw new JavaRegexError("it uses a back reference under (?i), which this worker's regex engine does not support (Java folds ASCII only)");
        }
        const groupPath = paths.get(node.group);
        if (groupPath === undefined || !closed.has(node.group) || unstable.has(node.group)) throw unsafeReference(node.group);
        let shared = 0;
        while (
          shared < groupPath.length &&
          shared < path.length &&
          groupPath[shared].node === path[shared].node &&
          groupPath[shared].child === path[shared].child
        )
          shared++;
        for (let i = shared; i < groupPath.length; i++) {
          const frame = groupPath[i].node;
          // from `shared` on, these enclose the group but not the reference (at `shared`, maybe by another child)
          if (frame.kind === 'alt') throw unsafeReference(node.group);
          if (frame.kind === 'repeat' && frame.min === 0) throw unsafeReference(node.group);
          if (frame.kind === 'group' && (frame.type === 'notAhead' || frame.type === 'notBehind')) throw unsafeReference(node.group);
        }
        return;
      }
      default:
        return;
    }
  };
  walk(root, []);
}

function unsafeReference(group: number): JavaRegexError {
  return new JavaRegexError(
    `it uses a back reference to group ${group}, whose value at that point may differ from Java's (a group that may not have matched, or one inside a repetition)`,
  );
}

class Emitter {
  /** the next RegExp group number */
  #next = 1;
  readonly #indexes: number[];

  constructor(
    groupCount: number,
    readonly groupNames: ReadonlyMap<string, number>,
  ) {
    this.#indexes = new Array<number>(groupCount + 1).fill(0);
  }

  emit(root: Node, flags: number): Omit<JavaRegexTranslation, 'unstableGroups'> {
    const source = this.#node(root);
    const unicodeCase = (flags & CASE_INSENSITIVE) !== 0 && (flags & UNICODE_CASE) !== 0;
    return { source, flags: unicodeCase ? 'iv' : 'v', groupIndexes: this.#indexes, groupNames: this.groupNames };
  }

  #node(node: Node): string {
    switch (node.kind) {
      case 'seq':
        return node.items.map((item) => this.#node(item)).join('');
      case 'alt':
        return node.branches.map((branch) => this.#node(branch)).join('|');
      case 'char':
      case 'slice':
      case 'assert':
        return node.js;
      case 'linebreak':
        return '(?:\\r\\n|[\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}])';
      case 'backref':
        return this.#indexes[node.group] ? `(?:\\${this.#indexes[node.group]})` : '(?!)';
      case 'group':
        return this.#group(node);
      case 'repeat':
        return this.#repeat(node);
    }
  }

  #group(node: Extract<Node, { kind: 'group' }>): string {
    switch (node.type) {
      case 'capture': {
        const index = this.#next++;
        this.#indexes[node.index] = index;
        const body = this.#node(node.body);
        return node.name !== undefined ? `(?<${node.name}>${body})` : `(${body})`;
      }
      case 'plain':
        return `(?:${this.#node(node.body)})`;
      case 'atomic':
        return this.#atomic(() => this.#node(node.body));
      case 'ahead':
        return `(?=${this.#node(node.body)})`;
      case 'notAhead':
        return `(?!${this.#node(node.body)})`;
      case 'behind':
        return `(?<=${this.#node(node.body)})`;
      case 'notBehind':
        return `(?<!${this.#node(node.body)})`;
    }
  }

  /** An atomic group: a lookahead captures what the body matches first, a back reference consumes it. */
  #atomic(body: () => string): string {
    const hidden = this.#next++;
    return `(?=(${body()}))(?:\\${hidden})`;
  }

  #repeat(node: Extract<Node, { kind: 'repeat' }>): string {
    const { min, max } = node;
    let quantifier =
      max === MAX_REPS ? (min === 0 ? '*' : min === 1 ? '+' : `{${min},}`) : min === 0 && max === 1 ? '?' : min === max ? `{${min}}` : `{${min},${max}}`;
    if (node.mode === 'lazy') quantifier += '?';
    const body = () => {
      const inner = this.#node(node.body);
      return node.body.kind === 'char' ? inner : `(?:${inner})`;
    };
    if (node.mode === 'possessive') return this.#atomic(() => `${body()}${quantifier}`);
    return `${body()}${quantifier}`;
  }
}
