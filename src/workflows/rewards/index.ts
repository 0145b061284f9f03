export * from "./expire-coupons"
export * from "./manage-rewards"
export * from "./purchase-coupon"
export * from "./refund-canceled-order-coupons"
