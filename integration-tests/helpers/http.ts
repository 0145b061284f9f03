/**
 * The `api` that medusaIntegrationTestRunner hands to a suite is an axios
 * instance (typed `any` by @medusajs/test-utils). The helpers only need this
 * much of it, so they do not depend on axios' types.
 */
export type Headers = Record<string, string>

export interface HttpResponse<T = any> {
  status: number
  data: T
}

export interface HttpClient {
  get<T = any>(url: string, config?: { headers?: Headers }): Promise<HttpResponse<T>>
  post<T = any>(
    url: string,
    body?: unknown,
    config?: { headers?: Headers }
  ): Promise<HttpResponse<T>>
  delete<T = any>(url: string, config?: { headers?: Headers }): Promise<HttpResponse<T>>
}

type AxiosLikeError = {
  message?: string
  response?: { status?: number; data?: unknown }
  config?: { method?: string; url?: string }
}

/**
 * axios rejects non-2xx answers with an error whose message is just
 * "Request failed with status code 400" (and whose dump is pages of sockets).
 * Re-throw with the method, URL, status and Medusa's error body instead.
 */
function describe(error: unknown, method: string, url: string): Error {
  const e = error as AxiosLikeError
  if (e && typeof e === "object" && e.response) {
    const body =
      typeof e.response.data === "string"
        ? e.response.data
        : JSON.stringify(e.response.data)
    const wrapped = new Error(
      `${method.toUpperCase()} ${url} → ${e.response.status}: ${body}`
    ) as Error & { status?: number; data?: unknown }
    wrapped.status = e.response.status
    wrapped.data = e.response.data
    return wrapped
  }
  return error instanceof Error ? error : new Error(String(error))
}

export async function get<T = any>(
  api: HttpClient,
  url: string,
  headers: Headers = {}
): Promise<T> {
  try {
    return (await api.get<T>(url, { headers })).data
  } catch (e) {
    throw describe(e, "get", url)
  }
}

export async function post<T = any>(
  api: HttpClient,
  url: string,
  body: unknown = {},
  headers: Headers = {}
): Promise<T> {
  try {
    return (await api.post<T>(url, body, { headers })).data
  } catch (e) {
    throw describe(e, "post", url)
  }
}

export async function del<T = any>(
  api: HttpClient,
  url: string,
  headers: Headers = {}
): Promise<T> {
  try {
    return (await api.delete<T>(url, { headers })).data
  } catch (e) {
    throw describe(e, "delete", url)
  }
}
