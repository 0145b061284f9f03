/**
 * Copies real orders (placed through Medusa's checkout by the seed) to other
 * customers and dates in bulk SQL. Used by demo/seed.ts for the orders of the
 * year that are not paid with points or coupons, and by demo/seed-large.ts
 * for the large store. Copied into the demo store as src/scripts/lib/.
 */
const columnCache = new Map<string, { column_name: string; data_type: string }[]>()
async function columnsOf(pg: any, table: string) {
  if (!columnCache.has(table)) {
    const { rows } = await pg.raw(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position`,
      [table]
    )
    columnCache.set(table, rows)
  }
  return columnCache.get(table)!
}

export type Clone = { n: number; template: string; id: string; customer_id: string; email: string; at: Date; first_name: string; last_name: string }

/**
 * Copies real orders (placed by `checkout`) to other customers and dates in
 * bulk: every row Medusa wrote for the template order (order, addresses,
 * items, line items and their tax lines and adjustments, shipping methods and
 * theirs, summary, transactions, payment collection, session and payment) is
 * inserted again with new ids (`<id>_c<n>`), the new customer, email and
 * address names, and its time stamps shifted to the new date. Columns are read
 * from the database, so a column added by a later Medusa is copied too.
 * Checkout itself is not what the demo shows, and 500 checkouts take minutes.
 */
export async function cloneOrders(pg: any, clones: Clone[]): Promise<void> {
  if (!clones.length) return
  await createClonePlan(pg)
  const json = JSON.stringify(clones)
  if (json.includes("$demo$")) throw new Error("a name in the plan breaks the SQL quoting")
  await pg.raw(
    [
      `DELETE FROM demo_clone`,
      `INSERT INTO demo_clone (n, template, id, customer_id, email, at, first_name, last_name)
       SELECT * FROM jsonb_to_recordset($demo$${json}$demo$::jsonb) AS x(n int, template text, id text, customer_id text, email text, at timestamptz, first_name text, last_name text)`,
    ].join(";\n")
  )
  await copyClonePlan(pg)
}

/**
 * The plan of copies, a plain table (the pool's connections do not share
 * temporary ones): one row per new order, with the template it copies.
 * `cloneOrders` fills it from a list; the large store fills it with SQL.
 */
export async function createClonePlan(pg: any): Promise<void> {
  await pg.raw(
    `CREATE UNLOGGED TABLE IF NOT EXISTS demo_clone (n int, template text, id text, customer_id text, email text, at timestamptz, first_name text, last_name text, shift interval)`
  )
}

/** Copies every order planned in `demo_clone` (see `cloneOrders`), in one round trip. */
export async function copyClonePlan(pg: any): Promise<void> {
  const statements = [`UPDATE demo_clone c SET shift = c.at - o.created_at FROM "order" o WHERE o.id = c.template`]
  const f = (column: string) => `src."${column}" || '_c' || c.n`
  const opc = `JOIN order_payment_collection opc ON opc.order_id = c.template AND opc.deleted_at IS NULL`
  const specs: { table: string; from: string; set: Record<string, string>; skip?: string[] }[] = [
    {
      table: "order_address",
      from: `demo_clone c JOIN "order" o ON o.id = c.template JOIN order_address src ON src.id IN (o.shipping_address_id, o.billing_address_id)`,
      set: { id: f("id"), customer_id: "c.customer_id", first_name: "c.first_name", last_name: "c.last_name" },
    },
    {
      table: "order",
      from: `demo_clone c JOIN "order" src ON src.id = c.template`,
      set: {
        id: "c.id",
        customer_id: "c.customer_id",
        email: "c.email",
        shipping_address_id: f("shipping_address_id"),
        billing_address_id: f("billing_address_id"),
      },
      skip: ["display_id"],
    },
    {
      table: "order_line_item",
      from: `demo_clone c JOIN order_item oi ON oi.order_id = c.template JOIN order_line_item src ON src.id = oi.item_id`,
      set: { id: f("id") },
    },
    {
      table: "order_item",
      from: `demo_clone c JOIN order_item src ON src.order_id = c.template`,
      set: { id: f("id"), order_id: "c.id", item_id: f("item_id") },
    },
    ...["order_line_item_tax_line", "order_line_item_adjustment"].map((table) => ({
      table,
      from: `demo_clone c JOIN order_item oi ON oi.order_id = c.template JOIN ${table} src ON src.item_id = oi.item_id`,
      set: { id: f("id"), item_id: f("item_id") },
    })),
    {
      table: "order_shipping_method",
      from: `demo_clone c JOIN order_shipping os ON os.order_id = c.template JOIN order_shipping_method src ON src.id = os.shipping_method_id`,
      set: { id: f("id") },
    },
    {
      table: "order_shipping",
      from: `demo_clone c JOIN order_shipping src ON src.order_id = c.template`,
      set: { id: f("id"), order_id: "c.id", shipping_method_id: f("shipping_method_id") },
    },
    ...["order_shipping_method_tax_line", "order_shipping_method_adjustment"].map((table) => ({
      table,
      from: `demo_clone c JOIN order_shipping os ON os.order_id = c.template JOIN ${table} src ON src.shipping_method_id = os.shipping_method_id`,
      set: { id: f("id"), shipping_method_id: f("shipping_method_id") },
    })),
    ...["order_summary", "order_transaction"].map((table) => ({
      table,
      from: `demo_clone c JOIN ${table} src ON src.order_id = c.template AND src.deleted_at IS NULL`,
      set: { id: f("id"), order_id: "c.id" },
    })),
    {
      table: "payment_collection",
      from: `demo_clone c ${opc} JOIN payment_collection src ON src.id = opc.payment_collection_id`,
      set: { id: f("id") },
    },
    {
      table: "payment_collection_payment_providers",
      from: `demo_clone c ${opc} JOIN payment_collection_payment_providers src ON src.payment_collection_id = opc.payment_collection_id`,
      set: { payment_collection_id: f("payment_collection_id") },
    },
    {
      table: "payment_session",
      from: `demo_clone c ${opc} JOIN payment_session src ON src.payment_collection_id = opc.payment_collection_id`,
      set: { id: f("id"), payment_collection_id: f("payment_collection_id") },
    },
    {
      table: "payment",
      from: `demo_clone c ${opc} JOIN payment src ON src.payment_collection_id = opc.payment_collection_id`,
      set: { id: f("id"), payment_collection_id: f("payment_collection_id"), payment_session_id: f("payment_session_id") },
    },
    {
      table: "order_payment_collection",
      from: `demo_clone c JOIN order_payment_collection src ON src.order_id = c.template AND src.deleted_at IS NULL`,
      set: { id: f("id"), order_id: "c.id", payment_collection_id: f("payment_collection_id") },
    },
  ]
  for (const spec of specs) {
    const rows = await columnsOf(pg, spec.table)
    if (!rows.length) continue // a table this Medusa does not have
    const columns = rows.filter((r: any) => !(spec.skip ?? []).includes(r.column_name))
    const values = columns.map((r: any) => {
      if (spec.set[r.column_name]) return spec.set[r.column_name]
      if (r.data_type.startsWith("timestamp") && r.column_name !== "deleted_at") return `src."${r.column_name}" + c.shift`
      return `src."${r.column_name}"`
    })
    statements.push(
      `INSERT INTO "${spec.table}" (${columns.map((r: any) => `"${r.column_name}"`).join(", ")})
       SELECT ${values.join(", ")} FROM ${spec.from}`
    )
  }
  await pg.raw(statements.join(";\n"))
}

