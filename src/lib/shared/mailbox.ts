/**
 * An email as one mailbox: lower case, without dots or a "+tag" in the local
 * part (`A.Lice+shop@Example.com` → `alice@example.com`), googlemail.com read
 * as gmail.com. Applied to every domain on purpose: the referral fraud
 * rules raise a flag on it for a person to look at, and a mailbox is welcomed
 * (sign-up bonus) and counts as "has ordered" (referral claim) once, whatever
 * address of it a shopper registers with.
 */
export function normalizeEmail(email: string | null | undefined): string | null {
  if (!email) return null
  const trimmed = email.trim().toLowerCase()
  const at = trimmed.lastIndexOf("@")
  if (at <= 0 || at === trimmed.length - 1) return null
  const local = trimmed.slice(0, at).split("+")[0].replace(/\./g, "")
  let domain = trimmed.slice(at + 1)
  if (domain === "googlemail.com") domain = "gmail.com"
  return local ? `${local}@${domain}` : null
}
