import type { MedusaContainer, UserDTO } from "@medusajs/framework/types"
import {
  ContainerRegistrationKeys,
  Modules,
  generateJwtToken,
} from "@medusajs/framework/utils"

export type AdminHeaders = { authorization: string }

export type AdminUser = {
  user: UserDTO
  authIdentityId: string
  email: string
  password: string
  token: string
  /** `{ authorization: "Bearer <jwt>" }`, for `/admin/*` routes */
  headers: AdminHeaders
}

/**
 * Creates an admin user the way `medusa user -e … -p …` does — a user plus an
 * `emailpass` auth identity whose `app_metadata.user_id` points at it — and
 * signs the JWT that `POST /auth/user/emailpass` would return.
 *
 * The token is what `authenticate("user", ["session", "bearer"])`
 * (@medusajs/framework/dist/http/middlewares/authenticate-middleware.js)
 * verifies with `projectConfig.http.jwtSecret`: it needs `actor_type: "user"`
 * and a non-empty `actor_id`; `auth_identity_id` and `app_metadata` complete the
 * auth context as a real login would. The password works for a real login too.
 */
export async function createAdminUser(
  container: MedusaContainer,
  {
    email = "admin@loyalty.test",
    password = "supersecret",
  }: { email?: string; password?: string } = {}
): Promise<AdminUser> {
  const userModule = container.resolve(Modules.USER)
  const authModule = container.resolve(Modules.AUTH)

  const user = await userModule.createUsers({
    email,
    first_name: "Admin",
    last_name: "Loyalty",
  })

  // The emailpass provider hashes the password (scrypt) and stores it on the
  // provider identity, exactly as the /auth/user/emailpass/register route does.
  const registration = await authModule.register("emailpass", {
    body: { email, password },
  })
  if (!registration.success || !registration.authIdentity) {
    throw new Error(`Could not register admin auth identity: ${registration.error}`)
  }
  const authIdentity = await authModule.updateAuthIdentities({
    id: registration.authIdentity.id,
    app_metadata: { user_id: user.id },
  })

  const { projectConfig } = container.resolve(
    ContainerRegistrationKeys.CONFIG_MODULE
  )
  const token = generateJwtToken(
    {
      actor_id: user.id,
      actor_type: "user",
      auth_identity_id: authIdentity.id,
      app_metadata: { user_id: user.id },
      user_metadata: {},
    },
    {
      secret: projectConfig.http.jwtSecret ?? "supersecret",
      expiresIn: "1d",
      jwtOptions: projectConfig.http.jwtOptions,
    }
  )

  return {
    user,
    authIdentityId: authIdentity.id,
    email,
    password,
    token,
    headers: { authorization: `Bearer ${token}` },
  }
}
