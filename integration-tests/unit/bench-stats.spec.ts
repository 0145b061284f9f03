// The bench's report helpers (bench/lib/stats.js): what `npm run bench` prints next to a p95 ratio.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { percentile, percentileRatioInterval } = require("../../bench/lib/stats")

/**
 * n completion times spread evenly over 0.8–1.2 × `center` (a golden-ratio sequence) with one
 * slow outlier in every 40, as a real phase has.
 */
function completions(n: number, center: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 40 === 39 ? center * 1.8 : center * (0.8 + 0.4 * ((i * 0.618034) % 1))))
}

describe("percentile", () => {
  it("takes the nearest rank: the p95 of 60 requests is their third-largest", () => {
    const values = Array.from({ length: 60 }, (_, i) => i + 1)
    expect(percentile(values, 95)).toBe(57)
    expect(percentile(values, 50)).toBe(30)
  })
})

describe("percentileRatioInterval", () => {
  it("brackets the ratio of two phases that differ by a known factor", () => {
    const plain = completions(60, 400)
    const plugin = completions(60, 440)
    const interval = percentileRatioInterval(plain, plugin, 95)
    expect(interval.low).toBeLessThanOrEqual(1.1)
    expect(interval.high).toBeGreaterThanOrEqual(1.1)
    expect(interval.low).toBeLessThan(interval.high)
  })

  it("narrows as the phases grow: 60 requests a side cannot tell 1.05× from 1.10×, 6,000 can", () => {
    const width = (n: number) => {
      const { low, high } = percentileRatioInterval(completions(n, 400), completions(n, 420), 95)
      return high - low
    }
    expect(width(60)).toBeGreaterThan(0.05)
    expect(width(6000)).toBeLessThan(0.05)
  })

  it("gives the same interval for the same data and seed, another for another seed", () => {
    const a = completions(60, 400).map((x, i) => x + i)
    const b = completions(60, 430).map((x, i) => x + ((i * 13) % 60))
    expect(percentileRatioInterval(a, b, 95)).toEqual(percentileRatioInterval(a, b, 95))
    expect(percentileRatioInterval(a, b, 95, { seed: 2 })).not.toEqual(percentileRatioInterval(a, b, 95, { seed: 1 }))
  })

  it("says nothing for an empty phase", () => {
    expect(percentileRatioInterval([], [1, 2], 95)).toBeNull()
  })
})
