export * from "./erase-member-data"
