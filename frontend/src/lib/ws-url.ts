/** Absolute ws(s):// URL for an API path, on the page's own host (the dev server proxies it). */
export function wsUrl(path: string, params: Record<string, string | number> = {}): string {
  const { protocol, host } = window.location;
  const url = new URL(path, `${protocol === "https:" ? "wss" : "ws"}://${host}`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url.toString();
}
