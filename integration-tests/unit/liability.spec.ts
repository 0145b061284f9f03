import {
  breakageFraction,
  expectedBreakagePoints,
  firstMonthStart,
  LiabilityFacts,
  liabilityReport,
  LedgerMonth,
  monthsUpTo,
  movementByMonth,
  pointsValue,
} from "../../src/lib/points/liability"
import { rulesFromOptions } from "../../src/lib/points/program"
import { AdminExportQuery } from "../../src/api/admin/loyalty/exports/validators"

const rules = rulesFromOptions({ pointValues: { usd: 0.01, eur: 0.009, jpy: 1.5 }, expiryMonths: 12 })
const now = new Date("2026-12-02T10:00:00Z")
const month = (m: string, fields: Partial<LedgerMonth>): LedgerMonth => ({
  month: m,
  issued: 0,
  redeemed: 0,
  restored: 0,
  expired: 0,
  reversed: 0,
  adjusted_down: 0,
  net_change: 0,
  ...fields,
})
const facts = (over: Partial<LiabilityFacts> = {}): LiabilityFacts => ({
  now,
  available: 4000,
  pending: 500,
  debt: 30,
  available_expiring: 3000,
  members: 3,
  cohort: { lots: 2, issued: 2000, expired: 1400 },
  window_months: 12,
  months: [],
  outstanding_before: 0,
  ...over,
})

describe("breakage estimator", () => {
  it("is the share of a settled cohort's issued points that expired unspent, applied to what can still expire", () => {
    expect(breakageFraction({ lots: 2, issued: 2000, expired: 1400 })).toEqual({ expired: 1400, issued: 2000 })
    // 0.7 × 3500 = 2450 points
    expect(expectedBreakagePoints({ lots: 2, issued: 2000, expired: 1400 }, 3500)).toBe(2450)
    // Rounded half up to whole points: 1/3 × 5 = 1.67 → 2; 1/2 × 3 = 1.5 → 2
    expect(expectedBreakagePoints({ lots: 3, issued: 3, expired: 1 }, 5)).toBe(2)
    expect(expectedBreakagePoints({ lots: 2, issued: 2, expired: 1 }, 3)).toBe(2)
  })

  it("books no breakage without history, and never more than was issued", () => {
    expect(breakageFraction({ lots: 0, issued: 0, expired: 0 })).toBeNull()
    expect(expectedBreakagePoints({ lots: 0, issued: 0, expired: 0 }, 10_000)).toBe(0)
    expect(breakageFraction({ lots: 1, issued: 100, expired: 150 })).toEqual({ expired: 100, issued: 100 })
    expect(expectedBreakagePoints({ lots: 1, issued: 100, expired: 150 }, 70)).toBe(70)
    expect(expectedBreakagePoints({ lots: 1, issued: 100, expired: 50 }, 0)).toBe(0)
  })
})

describe("money of points", () => {
  it("uses the currency's precision, rounded half up, as decimal strings (no float drift)", () => {
    expect(pointsValue(4500, 0.01, "usd")).toBe("45.00")
    expect(pointsValue(3, 0.1, "usd")).toBe("0.30") // 3 × 0.1 is 0.30000000000000004 in floats
    expect(pointsValue(1, 0.005, "eur")).toBe("0.01")
    expect(pointsValue(7, 1.5, "jpy")).toBe("11") // 10.5 → 11, JPY has no minor unit
  })
})

describe("movement per month", () => {
  it("lists every month up to now's, oldest first, even across a year end", () => {
    expect(monthsUpTo(now, 3)).toEqual(["2026-10", "2026-11", "2026-12"])
    expect(monthsUpTo(new Date("2026-02-15T00:00:00Z"), 3)).toEqual(["2025-12", "2026-01", "2026-02"])
    expect(firstMonthStart(now, 3).toISOString()).toBe("2026-10-01T00:00:00.000Z")
    expect(firstMonthStart(now, 1).toISOString()).toBe("2026-12-01T00:00:00.000Z")
  })

  it("fills months without entries with zeros and carries the outstanding points from month to month", () => {
    const rows = movementByMonth(
      [month("2026-10", { issued: 1000, net_change: 1000 }), month("2026-12", { redeemed: 200, expired: 100, net_change: -300 })],
      ["2026-10", "2026-11", "2026-12"],
      50
    )
    expect(rows.map((r) => [r.month, r.issued, r.redeemed, r.expired, r.outstanding_end])).toEqual([
      ["2026-10", 1000, 0, 0, 1050],
      ["2026-11", 0, 0, 0, 1050],
      ["2026-12", 0, 200, 100, 750],
    ])
  })
})

describe("liability report", () => {
  it("values outstanding points per currency at the program's point value, less the expected breakage", () => {
    const report = liabilityReport(facts(), rules, 2)
    expect(report.points).toEqual({
      available: 4000,
      pending: 500,
      outstanding: 4500,
      debt: 30,
      available_expiring: 3000,
      available_non_expiring: 1000,
      members: 3,
    })
    // Pending points become expiring lots when released (the program expires points): base 3000 + 500.
    expect(report.breakage).toMatchObject({ rate: "0.7000", base_points: 3500, includes_pending: true, expected_points: 2450 })
    expect(report.breakage.window_start).toBe("2025-12-02T10:00:00.000Z")
    expect(report.currencies).toEqual([
      {
        currency_code: "eur",
        point_value: "0.009",
        available: "36.00",
        pending: "4.50",
        outstanding: "40.50",
        expected_breakage: "22.05",
        deferred_revenue: "18.45",
      },
      { currency_code: "jpy", point_value: "1.5", available: "6000", pending: "750", outstanding: "6750", expected_breakage: "3675", deferred_revenue: "3075" },
      {
        currency_code: "usd",
        point_value: "0.01",
        available: "40.00",
        pending: "5.00",
        outstanding: "45.00",
        expected_breakage: "24.50",
        deferred_revenue: "20.50",
      },
    ])
    expect(report.months.map((m) => m.month)).toEqual(["2026-11", "2026-12"])
  })

  it("leaves pending points out of the breakage when points never expire, and books none without history", () => {
    const never = { ...rules, expiry_months: 0 }
    expect(liabilityReport(facts(), never, 1).breakage).toMatchObject({ base_points: 3000, includes_pending: false, expected_points: 2100 })
    const fresh = liabilityReport(facts({ cohort: { lots: 0, issued: 0, expired: 0 } }), rules, 1)
    expect(fresh.breakage).toMatchObject({ rate: null, expected_points: 0 })
    expect(fresh.currencies.find((c) => c.currency_code === "usd")).toMatchObject({ expected_breakage: "0.00", deferred_revenue: "45.00" })
  })

  it("skips currencies without a point value", () => {
    const report = liabilityReport(facts(), { ...rules, point_values: { usd: 0.01, gbp: 0 } }, 1)
    expect(report.currencies.map((c) => c.currency_code)).toEqual(["usd"])
  })
})

describe("export period", () => {
  it("reads `to` as inclusive: a bare date runs through the end of that day (UTC)", () => {
    expect(AdminExportQuery.parse({ from: "2026-11-01", to: "2026-11-30" })).toEqual({
      from: new Date("2026-11-01T00:00:00Z"),
      to: new Date("2026-12-01T00:00:00Z"),
    })
    expect(AdminExportQuery.parse({ to: "2026-11-30T12:00:00Z" })).toEqual({ from: null, to: new Date("2026-11-30T12:00:00.001Z") })
    expect(AdminExportQuery.parse({})).toEqual({ from: null, to: null })
  })

  it("refuses what is not a date, a period that ends before it starts, and unknown parameters", () => {
    for (const query of [{ from: "yesterday" }, { to: "2026-02-30x" }, { from: "2026-13-01" }, { from: "2026-11-30", to: "2026-11-01" }, { limit: "5" }]) {
      expect({ query, ok: AdminExportQuery.safeParse(query).success }).toEqual({ query, ok: false })
    }
    // The same day as both ends is one whole day.
    expect(AdminExportQuery.safeParse({ from: "2026-11-30", to: "2026-11-30" }).success).toBe(true)
  })
})
