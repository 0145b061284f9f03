import { model } from "@medusajs/framework/utils"

/** A customer moved between segments (RFM, loyalty matrix or lifecycle) at a run. Kept for good. */
const SegmentChange = model
  .define("loyalty_segment_change", {
    id: model.id({ prefix: "lsegc" }).primaryKey(),
    customer_id: model.text(),
    run_id: model.text(),
    kind: model.enum(["rfm", "matrix", "lifecycle"]),
    /** Null the first time a customer is segmented. */
    from_value: model.text().nullable(),
    to_value: model.text(),
    changed_at: model.dateTime(),
  })
  .indexes([{ on: ["customer_id", "changed_at"] }, { on: ["run_id"] }])

export default SegmentChange
