/** A seeded generator of numbers in [0, 1) (mulberry32, see the .mjs). */
export function random(seed: number): () => number;
