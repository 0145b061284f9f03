export * from "./import-members"
export * from "./run-member-import"
