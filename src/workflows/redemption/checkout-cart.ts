import type { completeCartWorkflow } from "@medusajs/medusa/core-flows"

/** The cart as `completeCartWorkflow`'s `validate` hook gets it (Medusa's `completeCartFields`). */
export type CheckoutCart = Parameters<Parameters<typeof completeCartWorkflow.hooks.validate>[0]>[0]["cart"]

/** The reasons of the `restore` entries that give a completion attempt's debit back. */
export const CHECKOUT_FAILED = "Checkout did not complete: points returned"
export const CHECKOUT_ABANDONED = "An earlier checkout attempt did not complete: points returned"
