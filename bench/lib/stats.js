"use strict"

/** Small number helpers for the bench reports. */

/** The p-th percentile (nearest rank) of a list of numbers; NaN when empty. */
function percentile(values, p) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

function median(values) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** "1.23×" of b over a, "–" when it cannot be said. */
function ratio(b, a) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return "–"
  return `${(b / a).toFixed(2)}×`
}

/** A number for a table: integers above 100, one decimal below. */
function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–"
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString("en-US")
  return (Math.round(x * 10) / 10).toString()
}

module.exports = { percentile, median, ratio, fmt }
