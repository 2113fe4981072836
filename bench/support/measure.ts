/** What the benchmarks share: megabytes, a seeded PRNG and a peak-RSS sampler. */

export const mb = (bytes: number): number => bytes / 1024 ** 2

/** A small deterministic PRNG (mulberry32), so every run measures the same generated files. */
export function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Samples this process's resident memory every 20 ms. `peak()` answers the highest reading since
 * the start or the last peak() and starts again; `stop()` ends the sampling and answers the same.
 */
export function sampleRss(): { peak: () => number; stop: () => number } {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 20)
  const highest = () => {
    const h = Math.max(peak, process.memoryUsage.rss())
    peak = 0
    return h
  }
  return {
    peak: highest,
    stop: () => {
      clearInterval(timer)
      return highest()
    },
  }
}
