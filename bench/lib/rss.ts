/**
 * The benches' memory figure: this process's RSS when sampling starts and
 * its peak, sampled every 25 ms until `stop()` (which returns both in MB).
 */
export function sampleRss(): { stop: () => { rss_before_mb: number; peak_rss_mb: number } } {
  global.gc?.()
  const before = process.memoryUsage().rss
  let peak = before
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 25)
  return {
    stop: () => {
      clearInterval(timer)
      peak = Math.max(peak, process.memoryUsage().rss)
      return { rss_before_mb: before / 2 ** 20, peak_rss_mb: peak / 2 ** 20 }
    },
  }
}
