import { feedbackPoints, feedbackRefusal } from "../../src/lib/insights/feedback"

describe("feedback points (issue 12, defect 5)", () => {
  const paid = { display_id: 7, status: "pending", captured: 70, refunded: 0 }

  it("pays the setting for a paid order", () => {
    expect(feedbackPoints(paid, 25)).toEqual({ points: 25, reason: null })
  })

  it("pays nothing for an unpaid or fully refunded order, and says why", () => {
    expect(feedbackPoints({ ...paid, captured: 0 }, 25)).toEqual({
      points: 0,
      reason: "Order #7 is not paid yet: feedback points are paid for paid orders",
    })
    expect(feedbackPoints({ ...paid, refunded: 70 }, 25).points).toBe(0)
    expect(feedbackPoints({ ...paid, captured: "10.005", refunded: "10.004" }, 25).points).toBe(25)
  })

  it("pays nothing for a canceled order, and refuses its feedback", () => {
    expect(feedbackPoints({ ...paid, status: "canceled" }, 25).points).toBe(0)
    expect(feedbackRefusal({ ...paid, status: "canceled" })).toBe("Order #7 was canceled: it takes no feedback")
    expect(feedbackRefusal(paid)).toBeNull()
  })

  it("pays nothing when the merchant set no feedback points", () => {
    expect(feedbackPoints(paid, 0)).toEqual({ points: 0, reason: null })
  })
})
