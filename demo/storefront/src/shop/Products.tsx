import type { HttpTypes } from "@medusajs/types"
import { useState } from "react"
import { formatMoney } from "../loyalty"

export function Products({
  products,
  currencyCode,
  onAdd,
  busy,
}: {
  products: HttpTypes.StoreProduct[]
  currencyCode: string
  onAdd: (variantId: string) => void
  busy: boolean
}) {
  return (
    <section>
      <h2>Products</h2>
      <div className="grid" data-testid="product-list">
        {products.map((product, index) => (
          <ProductCard key={product.id} product={product} index={index} currencyCode={currencyCode} onAdd={onAdd} busy={busy} />
        ))}
      </div>
    </section>
  )
}

function ProductCard({
  product,
  index,
  currencyCode,
  onAdd,
  busy,
}: {
  product: HttpTypes.StoreProduct
  index: number
  currencyCode: string
  onAdd: (variantId: string) => void
  busy: boolean
}) {
  const variants = product.variants ?? []
  const [variantId, setVariantId] = useState(variants[0]?.id ?? "")
  const variant = variants.find((v) => v.id === variantId)
  const price = variant?.calculated_price?.calculated_amount
  return (
    <article className="card product" data-testid={`product-${product.handle}`} data-index={index}>
      <h3>{product.title}</h3>
      <p className="muted">{product.description}</p>
      <p className="price" data-testid={`product-price-${product.handle}`} data-amount={price ?? ""}>
        {price != null ? formatMoney(price, currencyCode) : "—"}
      </p>
      {variants.length > 1 && (
        <select value={variantId} onChange={(e) => setVariantId(e.target.value)} aria-label="Variant">
          {variants.map((v) => (
            <option key={v.id} value={v.id}>
              {v.title}
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        data-testid={`product-add-${product.handle}`}
        className="product-add"
        disabled={busy || !variantId || price == null}
        onClick={() => onAdd(variantId)}
      >
        Add to cart
      </button>
    </article>
  )
}
