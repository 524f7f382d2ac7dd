/** A same-site path to go to after sign-in; anything else (other hosts, `//x`, `/\x`) falls back. Pure. */
export function safeRedirectPath(value: unknown, fallback = "/guide"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 4096) return fallback;
  let path = value;
  if (/^https?:\/\//i.test(value)) {
    // Auth.js builds absolute callback URLs from the request; keep only the path of the app's own URL.
    try {
      const url = new URL(value);
      path = `${url.pathname}${url.search}`;
    } catch {
      return fallback;
    }
  }
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\") || /[\u0000-\u001f]/.test(path)) return fallback;
  if (path.startsWith("/login") || path.startsWith("/setup")) return fallback;
  return path;
}
