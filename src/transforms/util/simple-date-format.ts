/**
 * java.text.SimpleDateFormat as Kafka's TimestampConverter and TimestampRouter use it: always in UTC
 * (they set the time zone), English names (a default en_US JVM), US weeks (Sunday first, a week 1 of at
 * least one day). Formatting covers every pattern letter; parsing is lenient like Java's default: numbers
 * may have more or fewer digits than the pattern unless the next field is a number too, out-of-range
 * values roll over (month 13 is January of the next year), text after the last field is ignored.
 * Parsing reads era, years, months, days (of month or year), hours, AM/PM, minutes, seconds,
 * milliseconds and zone offsets; week-based fields are read and ignored.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const PATTERN_LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';
const NUMERIC_LETTERS = 'yYMLwWDdFuHkKhmsS';
const MILLIS_PER_DAY = 86_400_000;

type Token = { readonly letter: string; readonly count: number } | { readonly literal: string };

/** A field read as a number (months only with one or two letters; `MMM` is a name). */
function isNumeric(token: Token): boolean {
  if ('literal' in token) return false;
  return token.letter === 'M' || token.letter === 'L' ? token.count <= 2 : NUMERIC_LETTERS.includes(token.letter);
}

/** Java's IllegalArgumentException for a pattern it does not accept. */
export class DatePatternError extends Error {}

/** Java's ParseException: `Unparseable date: "<text>"`. */
export class DateParseError extends Error {}

function compile(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ literal: "'" });
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (; j < pattern.length; j++) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j++;
          } else break;
        } else text += pattern[j];
      }
      if (j >= pattern.length) throw new DatePatternError('Unterminated quote');
      tokens.push({ literal: text });
      i = j + 1;
    } else if (/[a-zA-Z]/.test(c)) {
      if (!PATTERN_LETTERS.includes(c)) throw new DatePatternError(`Illegal pattern character '${c}'`);
      let count = 1;
      while (pattern[i + count] === c) count++;
      tokens.push({ letter: c, count });
      i += count;
    } else {
      tokens.push({ literal: c });
      i++;
    }
  }
  return tokens;
}

const pad = (n: number, width: number): string => {
  const text = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${text}` : text;
};

/** Week of year and its week-based year with US rules (weeks start on Sunday; week 1 holds January 1st). */
function usWeek(date: Date): { week: number; weekYear: number } {
  const year = date.getUTCFullYear();
  const startOfWeek = (d: Date): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - d.getUTCDay() * MILLIS_PER_DAY;
  const thisWeek = startOfWeek(date);
  const nextYearWeek1 = startOfWeek(new Date(Date.UTC(year + 1, 0, 1)));
  if (thisWeek >= nextYearWeek1) return { week: 1, weekYear: year + 1 };
  const week1 = startOfWeek(new Date(Date.UTC(year, 0, 1)));
  return { week: Math.floor((thisWeek - week1) / (7 * MILLIS_PER_DAY)) + 1, weekYear: year };
}

export class SimpleDateFormat {
  readonly #tokens: Token[];

  /** Throws DatePatternError for a pattern SimpleDateFormat refuses. */
  constructor(readonly pattern: string) {
    this.#tokens = compile(pattern);
  }

  format(date: Date): string {
    let out = '';
    for (const token of this.#tokens) out += 'literal' in token ? token.literal : this.#field(date, token.letter, token.count);
    return out;
  }

  #field(date: Date, letter: string, count: number): string {
    const year = date.getUTCFullYear();
    const hours = date.getUTCHours();
    const yearText = (y: number): string => (count === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, count));
    switch (letter) {
      case 'G':
        return year > 0 ? 'AD' : 'BC';
      case 'y':
        return yearText(year > 0 ? year : 1 - year);
      case 'Y':
        return yearText(usWeek(date).weekYear);
      case 'M':
      case 'L': {
        const month = date.getUTCMonth();
        if (count >= 4) return MONTHS[month];
        if (count === 3) return MONTHS[month].slice(0, 3);
        return pad(month + 1, count);
      }
      case 'w':
        return pad(usWeek(date).week, count);
      case 'W': {
        const first = new Date(Date.UTC(year, date.getUTCMonth(), 1)).getUTCDay();
        return pad(Math.floor((date.getUTCDate() - 1 + first) / 7) + 1, count);
      }
      case 'D':
        return pad(Math.floor((Date.UTC(year, date.getUTCMonth(), date.getUTCDate()) - Date.UTC(year, 0, 1)) / MILLIS_PER_DAY) + 1, count);
      case 'd':
        return pad(date.getUTCDate(), count);
      case 'F':
        return pad(Math.floor((date.getUTCDate() - 1) / 7) + 1, count);
      case 'E':
        return count >= 4 ? DAYS[date.getUTCDay()] : DAYS[date.getUTCDay()].slice(0, 3);
      case 'u':
        return pad(date.getUTCDay() === 0 ? 7 : date.getUTCDay(), count);
      case 'a':
        return hours < 12 ? 'AM' : 'PM';
      case 'H':
        return pad(hours, count);
      case 'k':
        return pad(hours === 0 ? 24 : hours, count);
      case 'K':
        return pad(hours % 12, count);
      case 'h':
        return pad(hours % 12 === 0 ? 12 : hours % 12, count);
      case 'm':
        return pad(date.getUTCMinutes(), count);
      case 's':
        return pad(date.getUTCSeconds(), count);
      case 'S':
        return pad(date.getUTCMilliseconds(), count);
      case 'z':
        return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
      case 'Z':
        return '+0000';
      default:
        // X: ISO 8601 zone, `Z` for UTC whatever the width
        return 'Z';
    }
  }

  /** Java's SimpleDateFormat.parse(String) with lenient parsing; throws DateParseError. */
  parse(text: string): Date {
    const fields = new Map<string, number>();
    let offsetMinutes = 0;
    let pos = 0;
    const fail = (): never => {
      throw new DateParseError(`Unparseable date: "${text}"`);
    };
    for (let t = 0; t < this.#tokens.length; t++) {
      const token = this.#tokens[t];
      if ('literal' in token) {
        if (!text.startsWith(token.literal, pos)) fail();
        pos += token.literal.length;
        continue;
      }
      const { letter, count } = token;
      // Java skips spaces and tabs before any field
      while (text[pos] === ' ' || text[pos] === '\t') pos++;
      if (isNumeric(token)) {
        // a number followed directly by another takes at most as many digits as the pattern has letters
        const next = this.#tokens[t + 1];
        const abutting = next !== undefined && isNumeric(next);
        const m = (abutting ? new RegExp(`^[+-]?\\d{1,${count}}`) : /^[+-]?\d+/).exec(text.slice(pos));
        if (!m) fail();
        const digits = m![0];
        let value = Number(digits);
        if ((letter === 'y' || letter === 'Y') && count <= 2 && /^\d\d$/.test(digits)) value = twoDigitYear(value);
        fields.set(letter === 'L' ? 'M' : letter, value);
        pos += digits.length;
        continue;
      }
      switch (letter) {
        case 'G': {
          const era = matchText(text, pos, ['AD', 'BC']);
          if (era === null) fail();
          fields.set('G', era!.index);
          pos += era!.length;
          break;
        }
        case 'M':
        case 'L': {
          const month = matchText(text, pos, [...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))]);
          if (month === null) fail();
          fields.set('M', (month!.index % 12) + 1);
          pos += month!.length;
          break;
        }
        case 'E': {
          const day = matchText(text, pos, [...DAYS, ...DAYS.map((d) => d.slice(0, 3))]);
          if (day === null) fail();
          pos += day!.length;
          break;
        }
        case 'a': {
          const ampm = matchText(text, pos, ['AM', 'PM']);
          if (ampm === null) fail();
          fields.set('a', ampm!.index);
          pos += ampm!.length;
          break;
        }
        default: {
          // z, Z, X: a zone, read as an offset from UTC
          const zone = /^(?:Z|UTC|GMT|UT)?(?:([+-])(\d\d):?(\d\d)?)?/i.exec(text.slice(pos));
          if (!zone || zone[0] === '') fail();
          if (zone![1]) offsetMinutes = (zone![1] === '-' ? -1 : 1) * (Number(zone![2]) * 60 + Number(zone![3] ?? '0'));
          pos += zone![0].length;
        }
      }
    }
    return resolve(fields, offsetMinutes);
  }
}

/** SimpleDateFormat's default century for two-digit years: within 80 years before and 20 after now. */
function twoDigitYear(yy: number): number {
  const now = new Date().getUTCFullYear();
  const start = now - 80;
  let year = Math.floor(start / 100) * 100 + yy;
  if (year < start) year += 100;
  return year;
}

function matchText(text: string, pos: number, candidates: readonly string[]): { index: number; length: number } | null {
  let best: { index: number; length: number } | null = null;
  const rest = text.slice(pos).toLowerCase();
  candidates.forEach((candidate, index) => {
    if (rest.startsWith(candidate.toLowerCase()) && (best === null || candidate.length > best.length)) best = { index, length: candidate.length };
  });
  return best;
}

/** Lenient GregorianCalendar resolution in UTC: unset fields are those of 1970-01-01T00:00:00.000. */
function resolve(fields: ReadonlyMap<string, number>, offsetMinutes: number): Date {
  let year = fields.get('y') ?? fields.get('Y') ?? 1970;
  if (fields.get('G') === 1) year = 1 - year;
  let hour = fields.get('H') ?? (fields.has('k') ? fields.get('k')! % 24 : undefined);
  if (hour === undefined) {
    const h12 = fields.has('h') ? fields.get('h')! % 12 : (fields.get('K') ?? 0);
    hour = h12 + (fields.get('a') ?? 0) * 12;
  }
  const time = ((hour * 60 + (fields.get('m') ?? 0)) * 60 + (fields.get('s') ?? 0)) * 1000 + (fields.get('S') ?? 0);
  const useDayOfYear = fields.has('D') && !fields.has('d') && !fields.has('M');
  const date = new Date(0);
  if (useDayOfYear) date.setUTCFullYear(year, 0, fields.get('D')!);
  else date.setUTCFullYear(year, (fields.get('M') ?? 1) - 1, fields.get('d') ?? 1);
  return new Date(date.getTime() + time - offsetMinutes * 60_000);
}

/** Kafka's Values.dateFormatFor(date).format(date): a time, a date or a timestamp in ISO form, UTC. */
export function connectDateText(date: Date): string {
  const ms = date.getTime();
  if (ms < MILLIS_PER_DAY) return TIME_FORMAT.format(date);
  if (ms % MILLIS_PER_DAY === 0) return DATE_FORMAT.format(date);
  return TIMESTAMP_FORMAT.format(date);
}

const TIME_FORMAT = new SimpleDateFormat("HH:mm:ss.SSS'Z'");
const DATE_FORMAT = new SimpleDateFormat('yyyy-MM-dd');
const TIMESTAMP_FORMAT = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
