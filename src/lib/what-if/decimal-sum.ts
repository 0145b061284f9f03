/**
 * An exact running sum of decimal strings (Postgres `numeric` as text, e.g.
 * "21.00840336134453781513"), in integers: the replay adds half a million
 * order totals, and a BigNumber per addition is what its profile spent most
 * time collecting. Never a float.
 */
export class DecimalSum {
  private units = 0n
  private scale = 0

  add(value: string): void {
    let text = value.trim()
    if (!text) return
    const negative = text.startsWith("-")
    if (negative || text.startsWith("+")) text = text.slice(1)
    const dot = text.indexOf(".")
    const whole = dot < 0 ? text : text.slice(0, dot)
    const fraction = dot < 0 ? "" : text.slice(dot + 1)
    if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction) || !(whole + fraction)) throw new Error(`not a decimal: ${value}`)
    if (fraction.length > this.scale) {
      this.units *= 10n ** BigInt(fraction.length - this.scale)
      this.scale = fraction.length
    }
    const units = BigInt(whole + fraction.padEnd(this.scale, "0") || "0")
    this.units += negative ? -units : units
  }

  /** The sum as a decimal string, trailing zeros of the fraction left out ("0" when empty). */
  toString(): string {
    const negative = this.units < 0n
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, "0")
    const whole = digits.slice(0, digits.length - this.scale)
    const fraction = digits.slice(digits.length - this.scale).replace(/0+$/, "")
    return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`
  }
}
