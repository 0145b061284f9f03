/**
 * Globals that the Medusa admin bundler defines when it builds the dashboard
 * (see `@medusajs/admin-bundler`, `define`). The plugin build leaves them as
 * identifiers; the merchant's dashboard build replaces them.
 */
declare const __BACKEND_URL__: string | undefined
declare const __AUTH_TYPE__: "session" | "jwt" | undefined
declare const __JWT_TOKEN_STORAGE_KEY__: string | undefined
