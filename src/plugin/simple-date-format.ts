/**
 * java.text.SimpleDateFormat as Kafka's TimestampConverter, TimestampRouter and Values use it: always in
 * UTC (the transformations set the time zone; Values runs in the JVM's, UTC in Kafka's image), English names (a default en_US JVM), US weeks (Sunday first, a week 1 of at
 * least one day). Formatting covers every pattern letter; parsing is lenient like Java's default: numbers
 * may have more or fewer digits than the pattern unless the next field is a number too, out-of-range
 * values roll over (month 13 is January of the next year), text after the last field is ignored.
 * Parsing reads every field, week-based ones too (`Y`, `w`, `W`, `F`, `E`, `u`), and resolves them as
 * a lenient GregorianCalendar does (see CalendarFields), as on a Java 21+ JVM. Unlike Java, dates before
 * the Gregorian reform (15 October 1582) are proleptic Gregorian, not Julian, and zone names other than
 * UTC and GMT are not known.
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
    const fields = new CalendarFields();
    let pos = 0;
    const fail = (): never => {
      throw new DateParseError(`Unparseable date: "${text}"`);
    };
    for (let t = 0; t < this.#tokens.length; t++) {
      const token = this.#tokens[t];
      if ('literal' in token) {
        for (const c of token.literal) {
          // lenient parsing takes any space separator for another
          if (pos >= text.length || !(text[pos] === c || (SPACE_SEPARATOR.test(text[pos]) && SPACE_SEPARATOR.test(c)))) fail();
          pos++;
        }
        continue;
      }
      const { letter, count } = token;
      // Java skips spaces and tabs before any field
      while (text[pos] === ' ' || text[pos] === '\t') pos++;
      if (isNumeric(token)) {
        // a number followed directly by another takes at most as many digits as the pattern has letters
        const next = this.#tokens[t + 1];
        const abutting = next !== undefined && isNumeric(next);
        const m = (abutting ? new RegExp(`^-?\\d{1,${count}}`) : /^-?\d+/).exec(text.slice(pos));
        if (!m) fail();
        const digits = m![0];
        pos += digits.length;
        let value = Number(digits);
        switch (letter) {
          case 'y':
          case 'Y':
            if (count <= 2 && /^\d\d$/.test(digits)) value = twoDigitYear(value);
            fields.set(letter === 'y' ? Field.YEAR : Field.WEEK_YEAR, value);
            break;
          case 'M':
          case 'L':
            fields.set(Field.MONTH, value - 1);
            break;
          case 'k':
            // 24 is midnight
            fields.set(Field.HOUR_OF_DAY, value === 24 ? 0 : value);
            break;
          case 'h':
            fields.set(Field.HOUR, value === 12 ? 0 : value);
            break;
          case 'u':
            // ISO day of week (1 = Monday) to Calendar's (1 = Sunday); out of range stays as it is
            fields.set(Field.DAY_OF_WEEK, value >= 1 && value <= 7 ? (value % 7) + 1 : value);
            break;
          default:
            fields.set(NUMERIC_FIELDS[letter], value);
        }
        continue;
      }
      const name = (candidates: readonly string[]): number => {
        const match = matchText(text, pos, candidates);
        if (match === null) fail();
        pos += match!.length;
        return match!.index;
      };
      switch (letter) {
        case 'G':
          fields.set(Field.ERA, name(['BC', 'AD']));
          break;
        case 'M':
        case 'L':
          fields.set(Field.MONTH, name([...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))]) % 12);
          break;
        case 'E':
          fields.set(Field.DAY_OF_WEEK, (name([...DAYS, ...DAYS.map((d) => d.slice(0, 3))]) % 7) + 1);
          break;
        case 'a':
          fields.set(Field.AM_PM, name(['AM', 'PM']));
          break;
        default: {
          const offset = zoneOffset(text, pos, letter, count);
          if (offset === null) fail();
          fields.set(Field.ZONE_OFFSET, offset!.millis);
          pos = offset!.end;
        }
      }
    }
    return new Date(fields.toMillis());
  }
}

/**
 * A zone: `X` is ISO 8601 (`Z`, or `+hh` / `+hhmm` / `+hh:mm` for X / XX / XXX); `z` and `Z` take an
 * RFC 822 offset (`+hhmm`), `GMT` with an optional `+h:mm` offset, or the names of UTC (other zone names
 * are not known here). Null when the text has none.
 */
function zoneOffset(text: string, pos: number, letter: string, count: number): { millis: number; end: number } | null {
  const c = text[pos];
  if (letter === 'X') {
    if (c === 'Z') return { millis: 0, end: pos + 1 };
    return c === '+' || c === '-' ? numericZone(text, pos + 1, c === '-' ? -1 : 1, count, count === 3) : null;
  }
  if (c === '+' || c === '-') return numericZone(text, pos + 1, c === '-' ? -1 : 1, 0, false);
  if (text.slice(pos, pos + 3).toUpperCase() === 'GMT') {
    const sign = text[pos + 3];
    if (sign !== '+' && sign !== '-') return { millis: 0, end: pos + 3 };
    return numericZone(text, pos + 4, sign === '-' ? -1 : 1, 0, true);
  }
  const name = /^(?:Coordinated Universal Time|UTC|UT)/i.exec(text.slice(pos));
  return name ? { millis: 0, end: pos + name[0].length } : null;
}

/** SimpleDateFormat.subParseNumericZone: hours (one digit only with a colon form), then minutes unless `count` is 1. */
function numericZone(text: string, start: number, sign: number, count: number, colon: boolean): { millis: number; end: number } | null {
  const m = (colon ? /^(\d\d?)(?::(\d\d))?/ : /^(\d\d)(\d\d)?/).exec(text.slice(start));
  if (!m || (count > 0 && m[1].length < 2)) return null;
  const hours = Number(m[1]);
  if (hours > 23) return null;
  if (count === 1) return { millis: sign * hours * 3_600_000, end: start + m[1].length };
  if (m[2] === undefined || Number(m[2]) > 59) return null;
  return { millis: sign * (hours * 60 + Number(m[2])) * 60_000, end: start + m[0].length };
}

/** java.util.Calendar's field numbers (and CalendarBuilder's WEEK_YEAR). */
const Field = {
  ERA: 0,
  YEAR: 1,
  MONTH: 2,
  WEEK_OF_YEAR: 3,
  WEEK_OF_MONTH: 4,
  DAY_OF_MONTH: 5,
  DAY_OF_YEAR: 6,
  DAY_OF_WEEK: 7,
  DAY_OF_WEEK_IN_MONTH: 8,
  AM_PM: 9,
  HOUR: 10,
  HOUR_OF_DAY: 11,
  MINUTE: 12,
  SECOND: 13,
  MILLISECOND: 14,
  ZONE_OFFSET: 15,
  WEEK_YEAR: 17,
} as const;
type Field = (typeof Field)[keyof typeof Field];

const NUMERIC_FIELDS: Readonly<Record<string, Field>> = {
  d: Field.DAY_OF_MONTH,
  D: Field.DAY_OF_YEAR,
  F: Field.DAY_OF_WEEK_IN_MONTH,
  w: Field.WEEK_OF_YEAR,
  W: Field.WEEK_OF_MONTH,
  H: Field.HOUR_OF_DAY,
  K: Field.HOUR,
  m: Field.MINUTE,
  s: Field.SECOND,
  S: Field.MILLISECOND,
};

const SPACE_SEPARATOR = /^\p{Zs}$/u;
const SUNDAY = 1;
/** US weeks, as a default en_US JVM (and Locale.ENGLISH) has them */
const FIRST_DAY_OF_WEEK = SUNDAY;
const MINIMAL_DAYS_IN_FIRST_WEEK = 1;
const BC = 0;

/**
 * The parsed fields with Calendar's "stamps" (the order they were set in), resolved the way a lenient
 * GregorianCalendar in UTC resolves them: the most recently set complete group of date fields wins
 * (day of month; week of month or day-of-week-in-month with a day of week; day of year; week of year
 * with a day of week), as do HOUR_OF_DAY or HOUR with AM_PM for the time; unset fields count as 0 (1970
 * for the year); out-of-range values roll over. A week year (`Y`) set after any `y` makes the date a
 * week date: that week year's week (`w`, else 1) and day of week (`E`/`u`, else Sunday).
 */
class CalendarFields {
  readonly #values = new Map<Field, number>();
  readonly #stamps = new Map<Field, number>();
  #nextStamp = 2;

  set(field: Field, value: number): void {
    this.#values.set(field, value);
    this.#stamps.set(field, this.#nextStamp++);
  }

  #stamp(field: Field): number {
    return this.#stamps.get(field) ?? 0;
  }

  #get(field: Field): number {
    return this.#values.get(field) ?? 0;
  }

  #isSet(field: Field): boolean {
    return this.#stamps.has(field);
  }

  toMillis(): number {
    const bc = this.#isSet(Field.ERA) && this.#get(Field.ERA) === BC;
    let epochDay: number;
    if (this.#isSet(Field.WEEK_YEAR) && this.#stamp(Field.WEEK_YEAR) > this.#stamp(Field.YEAR)) {
      epochDay = this.#weekDate(bc);
    } else {
      const year = this.#isSet(Field.YEAR) ? this.#get(Field.YEAR) : 1970;
      epochDay = this.#date(bc ? 1 - year : year);
    }
    return epochDay * MILLIS_PER_DAY + this.#timeOfDay() - this.#get(Field.ZONE_OFFSET);
  }

  /** CalendarBuilder.establish's week date, then GregorianCalendar.setWeekDate. */
  #weekDate(bc: boolean): number {
    let weekOfYear = this.#isSet(Field.WEEK_OF_YEAR) ? this.#get(Field.WEEK_OF_YEAR) : 1;
    let dayOfWeek = this.#isSet(Field.DAY_OF_WEEK) ? this.#get(Field.DAY_OF_WEEK) : FIRST_DAY_OF_WEEK;
    if (dayOfWeek < 1 || dayOfWeek > 7) {
      // lenient: an ISO day of week beyond the week moves the week
      if (dayOfWeek >= 8) {
        dayOfWeek--;
        weekOfYear += Math.trunc(dayOfWeek / 7);
        dayOfWeek = (dayOfWeek % 7) + 1;
      } else {
        while (dayOfWeek <= 0) {
          dayOfWeek += 7;
          weekOfYear--;
        }
      }
      dayOfWeek = dayOfWeek === 7 ? SUNDAY : dayOfWeek + 1;
    }
    const weekYear = this.#get(Field.WEEK_YEAR);
    const firstWeek = weekOneStart(epochDayOf(bc ? 1 - weekYear : weekYear, 0, 1));
    return firstWeek + floorMod(dayOfWeek - FIRST_DAY_OF_WEEK, 7) + 7 * (weekOfYear - 1);
  }

  /** Calendar.selectFields, then GregorianCalendar.getFixedDate, as epoch days. */
  #date(yearOfEra: number): number {
    const stamp = (f: Field) => this.#stamp(f);
    const aggregate = (a: number, b: number) => (a === 0 || b === 0 ? 0 : Math.max(a, b));
    const dowStamp = stamp(Field.DAY_OF_WEEK);
    let domStamp = stamp(Field.DAY_OF_MONTH);
    let womStamp = aggregate(stamp(Field.WEEK_OF_MONTH), dowStamp);
    let dowimStamp = aggregate(stamp(Field.DAY_OF_WEEK_IN_MONTH), dowStamp);
    const doyStamp = stamp(Field.DAY_OF_YEAR);
    let woyStamp = aggregate(stamp(Field.WEEK_OF_YEAR), dowStamp);
    let best = Math.max(domStamp, womStamp, dowimStamp, doyStamp, woyStamp);
    if (best === 0) {
      womStamp = stamp(Field.WEEK_OF_MONTH);
      dowimStamp = Math.max(stamp(Field.DAY_OF_WEEK_IN_MONTH), dowStamp);
      woyStamp = stamp(Field.WEEK_OF_YEAR);
      best = Math.max(womStamp, dowimStamp, woyStamp);
      if (best === 0) best = domStamp = stamp(Field.MONTH);
    }
    let year = yearOfEra;
    const monthBased =
      best === domStamp ||
      (best === womStamp && stamp(Field.WEEK_OF_MONTH) >= stamp(Field.WEEK_OF_YEAR)) ||
      (best === dowimStamp && stamp(Field.DAY_OF_WEEK_IN_MONTH) >= stamp(Field.WEEK_OF_YEAR));
    if (monthBased) {
      let month = this.#get(Field.MONTH);
      year += Math.floor(month / 12);
      month = floorMod(month, 12);
      const first = epochDayOf(year, month, 1);
      if (best === domStamp) return first + (this.#isSet(Field.DAY_OF_MONTH) ? this.#get(Field.DAY_OF_MONTH) - 1 : 0);
      const useWeekOfMonth = womStamp === dowimStamp ? stamp(Field.WEEK_OF_MONTH) >= stamp(Field.DAY_OF_WEEK_IN_MONTH) : best === womStamp;
      const dayOfWeek = dowStamp !== 0 ? this.#get(Field.DAY_OF_WEEK) : FIRST_DAY_OF_WEEK;
      if (useWeekOfMonth) {
        let weekStart = weekOneStart(first);
        if (dowStamp !== 0) weekStart = dayOfWeekOnOrBefore(weekStart + 6, dayOfWeek);
        return weekStart + 7 * (this.#get(Field.WEEK_OF_MONTH) - 1);
      }
      const dowim = stamp(Field.DAY_OF_WEEK_IN_MONTH) !== 0 ? this.#get(Field.DAY_OF_WEEK_IN_MONTH) : 1;
      if (dowim >= 0) return dayOfWeekOnOrBefore(first + 7 * dowim - 1, dayOfWeek);
      const lastDate = daysInMonth(year, month) + 7 * (dowim + 1);
      return dayOfWeekOnOrBefore(first + lastDate - 1, dayOfWeek);
    }
    const jan1 = epochDayOf(year, 0, 1);
    if (best === doyStamp) return jan1 + this.#get(Field.DAY_OF_YEAR) - 1;
    let weekStart = weekOneStart(jan1);
    if (dowStamp !== 0 && this.#get(Field.DAY_OF_WEEK) !== FIRST_DAY_OF_WEEK) weekStart = dayOfWeekOnOrBefore(weekStart + 6, this.#get(Field.DAY_OF_WEEK));
    return weekStart + 7 * (this.#get(Field.WEEK_OF_YEAR) - 1);
  }

  #timeOfDay(): number {
    const hourOfDayStamp = this.#stamp(Field.HOUR_OF_DAY);
    const hourStamp = this.#isSet(Field.HOUR) && this.#isSet(Field.AM_PM) ? Math.max(this.#stamp(Field.HOUR), this.#stamp(Field.AM_PM)) : 0;
    let best = Math.max(hourStamp, hourOfDayStamp);
    if (best === 0) best = Math.max(this.#stamp(Field.HOUR), this.#stamp(Field.AM_PM));
    let hours = 0;
    if (best !== 0 && best === hourOfDayStamp) hours = this.#get(Field.HOUR_OF_DAY);
    else if (best !== 0) hours = this.#get(Field.HOUR) + 12 * this.#get(Field.AM_PM);
    return ((hours * 60 + this.#get(Field.MINUTE)) * 60 + this.#get(Field.SECOND)) * 1000 + this.#get(Field.MILLISECOND);
  }
}

const floorMod = (a: number, n: number): number => ((a % n) + n) % n;

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (month 0-based, any day number). */
function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 1 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const m = month + 1;
  const dayOfYear = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5);
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468 + day - 1;
}

function daysInMonth(year: number, month: number): number {
  return epochDayOf(year, month + 1, 1) - epochDayOf(year, month, 1);
}

/** BaseCalendar.getDayOfWeekDateOnOrBefore with Calendar's day numbers (1 = Sunday); 1970-01-01 was a Thursday. */
function dayOfWeekOnOrBefore(epochDay: number, dayOfWeek: number): number {
  return epochDay - floorMod(epochDay + 4 - (dayOfWeek - 1), 7);
}

/** The first day of week 1 of the year or month starting on `first`: the week holding at least the minimal days. */
function weekOneStart(first: number): number {
  let start = dayOfWeekOnOrBefore(first + 6, FIRST_DAY_OF_WEEK);
  if (start - first >= MINIMAL_DAYS_IN_FIRST_WEEK) start -= 7;
  return start;
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
