import { MiddlewareRoute, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import { validatePathIds } from "../../../utils/request-guards"
import { AdminCreateMemberImport, AdminListMemberImports } from "./validators"

/**
 * Member imports. The file route reads the request body as a stream
 * (`bodyParser: false`): a large file is never held in memory.
 */
export const adminMemberImportMiddlewares: MiddlewareRoute[] = [
  { matcher: "/admin/loyalty/imports/:id", middlewares: [validatePathIds] },
  {
    method: ["GET"],
    matcher: "/admin/loyalty/imports",
    middlewares: [validateAndTransformQuery(AdminListMemberImports, {})],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/imports",
    middlewares: [validateAndTransformBody(AdminCreateMemberImport)],
  },
  { method: ["POST"], matcher: "/admin/loyalty/imports/:id/file", bodyParser: false },
]
