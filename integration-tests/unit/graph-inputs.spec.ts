import { insightSegments } from "../../src/lib/insights/segments"
import { computeEarning, POINTS_CREDIT_LINE_REFERENCE } from "../../src/lib/points/earning"
import {
  earnableCreditLineOf,
  earnableItemOf,
  lineProductFactsOf,
  presentOf,
} from "../../src/lib/points/graph-inputs"

/**
 * The one reading of Medusa's graph rows that the order loader, the cart
 * loader, the referral evidence and the campaign cost estimate share
 * (issue 16, duplicates): what a missing value means.
 */
describe("graph rows into earning inputs", () => {
  it("drops the nulls Query types a list relation with, and reads a missing list as none", () => {
    expect(presentOf([{ id: "a" }, null, undefined, { id: "b" }])).toEqual([{ id: "a" }, { id: "b" }])
    expect(presentOf(null)).toEqual([])
    expect(presentOf(undefined)).toEqual([])
  })

  it("reads a line's money with missing figures as zero and a line not marked as a gift card as merchandise", () => {
    expect(earnableItemOf({ id: "item_1", subtotal: 120, discount_subtotal: 20, is_giftcard: true })).toEqual({
      id: "item_1",
      subtotal: 120,
      discount_subtotal: 20,
      is_giftcard: true,
    })
    expect(earnableItemOf({ id: "item_2", subtotal: null, discount_subtotal: null, is_giftcard: null })).toEqual({
      id: "item_2",
      subtotal: 0,
      discount_subtotal: 0,
      is_giftcard: false,
    })
  })

  it("reads a credit line's amount and whose it is", () => {
    expect(earnableCreditLineOf({ amount: 15, reference: POINTS_CREDIT_LINE_REFERENCE })).toEqual({
      amount: 15,
      reference: POINTS_CREDIT_LINE_REFERENCE,
    })
    expect(earnableCreditLineOf({})).toEqual({ amount: 0, reference: null })
  })

  it("reads a line's product, collection and categories (none when the product is gone)", () => {
    expect(
      lineProductFactsOf({ product_id: "prod_1", product: { collection_id: "pcol_1", categories: [{ id: "pcat_1" }, null, { id: "pcat_2" }] } })
    ).toEqual({ product_id: "prod_1", collection_id: "pcol_1", category_ids: ["pcat_1", "pcat_2"] })
    expect(lineProductFactsOf({ product_id: null, product: null })).toEqual({ product_id: null, collection_id: null, category_ids: [] })
  })

  it("gives the earning rules what they earned on before: an order read through these earns the same", () => {
    const order = {
      total: 90,
      items: [{ id: "i1", subtotal: 100, discount_subtotal: 10 }, null, { id: "i2", subtotal: 25, is_giftcard: true }],
      credit_lines: [{ amount: 20, reference: POINTS_CREDIT_LINE_REFERENCE }, null],
    }
    const earning = computeEarning({
      items: presentOf(order.items).map(earnableItemOf),
      total: order.total,
      credit_lines: presentOf(order.credit_lines).map(earnableCreditLineOf),
      rate: 1,
    })
    expect(earning).toEqual(
      computeEarning({
        items: [
          { subtotal: 100, discount_subtotal: 10, is_giftcard: false },
          { subtotal: 25, discount_subtotal: 0, is_giftcard: true },
        ],
        total: 90,
        credit_lines: [{ amount: 20, reference: POINTS_CREDIT_LINE_REFERENCE }],
        rate: 1,
      })
    )
  })

  it("names the segments a customer's insight gives them, those it sets", () => {
    expect(
      insightSegments({ rfm_segment: "champions", matrix_segment: "die_hard", lifecycle_stage: "active", value_band: "high" })
    ).toEqual(["champions", "die_hard", "active", "high"])
    expect(insightSegments({ rfm_segment: "new", matrix_segment: null, lifecycle_stage: null, value_band: null })).toEqual(["new"])
  })
})
