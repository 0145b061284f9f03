// Every suite registers the same MikroORM entities again; without this the
// second suite of a run fails on duplicate entity metadata.
const { MetadataStorage } = require("@medusajs/framework/mikro-orm/core")

MetadataStorage.clear()
