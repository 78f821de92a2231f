/**
 * mulberry32: a seedable generator of uniform numbers in [0, 1). The benchmark derives every vector
 * from its record's id with it (so the ceilings send exactly the data the service reads, without
 * holding it), and generated-input tests use it so that a failure names a case that can be replayed.
 * Fast and good enough for both; not for anything that needs unpredictability.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
