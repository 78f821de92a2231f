/**
 * Connect's Decimal as this worker represents it (exact decimal text; JavaScript has no BigDecimal),
 * from the big-endian two's-complement unscaled value that Avro's decimal and Confluent's Protobuf
 * Decimal carry.
 */
export function decimalFromTwosComplement(bytes: Uint8Array, scale: number): string {
  if (bytes.length === 0) return decimalText(0n, scale);
  let unscaled = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
  if (bytes[0] & 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
  return decimalText(unscaled, scale);
}

/** `unscaled × 10^-scale` as plain decimal text: 12345 and 2 give "123.45", 5 and -2 give "500". */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  } else if (scale < 0) {
    digits += '0'.repeat(-scale);
  }
  return negative ? `-${digits}` : digits;
}
