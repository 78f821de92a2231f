/** Number reading shared by the scalar and vector converters. */

const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** From here on a double rounds to Infinity as float32 (FLT_MAX plus half an ulp). */
export const FLOAT32_OVERFLOW = 2 ** 128 - 2 ** 103;

/** A decimal number written as text ("1.5", "-2e3"), as Java's Double.parseDouble reads it minus hex/NaN/Infinity. */
export function parseDecimalText(text: string): number | undefined {
  const t = text.trim();
  return DECIMAL_TEXT.test(t) ? Number(t) : undefined;
}
