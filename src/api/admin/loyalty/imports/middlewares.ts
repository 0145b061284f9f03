import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatedBody, validatedQuery } from "../../../utils/middleware-routes"
import { AdminCreateMemberImport, AdminListMemberImports } from "./validators"

/**
 * Member imports. The file route reads the request body as a stream
 * (`bodyParser: false`): a large file is never held in memory.
 */
export const adminMemberImportMiddlewares: MiddlewareRoute[] = [
  validatedQuery("GET", "/admin/loyalty/imports", AdminListMemberImports),
  validatedBody("POST", "/admin/loyalty/imports", AdminCreateMemberImport),
  { method: ["POST"], matcher: "/admin/loyalty/imports/:id/file", bodyParser: false },
]
