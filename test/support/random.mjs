// The seeded pseudo-random generator of the tests and benchmarks. Plain JavaScript so that
// the benchmark scripts, which node runs as they are, share it with the TypeScript tests.

/** mulberry32: small, fast, deterministic; the same seed gives the same sequence, so a run is reproducible from its number. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
