export * from "./expire-coupons"
export * from "./manage-rewards"
export * from "./purchase-coupon"
