import { useMutation } from "@tanstack/react-query"
import { whatIfApi, type WhatIfBody } from "../lib/what-if-api"

/** A what-if run on the store's history with the form's unsaved values (asked on demand; nothing saved). */
export const useWhatIf = () => useMutation({ mutationFn: (body: WhatIfBody) => whatIfApi.run(body) })
