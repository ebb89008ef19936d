// A copyable shell example that calls a trigger with a correct signature for its scheme. The
// signature is computed by the shell (openssl) at run time, so the example works whenever it is
// run: a Standard Webhooks timestamp must be within 5 minutes of the server's clock.
import type { TriggerScheme } from "@/client/api";

const quote = (text: string) => `'${text.replaceAll("'", `'"'"'`)}'`;

export function curlExample(scheme: TriggerScheme, url: string, secret: string, body: string): string {
  const head = [`url=${quote(url)}`, `secret=${quote(secret)}`, `body=${quote(body)}`];
  const post = `curl -sS -X POST "$url" -H 'Content-Type: application/json'`;
  if (scheme === "bearer") {
    return [
      ...head,
      `${post} \\`,
      `  -H "Authorization: Bearer $secret" -H "Idempotency-Key: $(date +%s%N)" \\`,
      `  -d "$body"`,
    ].join("\n");
  }
  if (scheme === "github") {
    return [
      ...head,
      `sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')`,
      `${post} \\`,
      `  -H "X-Hub-Signature-256: sha256=$sig" -H "X-GitHub-Delivery: $(date +%s%N)" \\`,
      `  -d "$body"`,
    ].join("\n");
  }
  return [
    ...head,
    `id="msg_$(date +%s%N)"; ts=$(date +%s)`,
    `key=$(printf '%s' "\${secret#whsec_}" | base64 -d | xxd -p -c 256)`,
    `sig=$(printf '%s' "$id.$ts.$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)`,
    `${post} \\`,
    `  -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" \\`,
    `  -d "$body"`,
  ].join("\n");
}

/** The trigger's URL as a sender must use it: the server gives a path when it knows no public URL. */
export function absoluteUrl(url: string, origin: string): string {
  return new URL(url, origin).href;
}

/** A sample body for a trigger: its mapping's pointers filled with placeholders, or "{}". */
export function sampleBody(mapping: Record<string, string> | null | undefined): string {
  const doc: Record<string, unknown> = {};
  for (const pointer of Object.values(mapping ?? {})) {
    const parts = pointer
      .split("/")
      .slice(1)
      .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    if (parts.length === 0) continue;
    let node = doc;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = 1;
  }
  return JSON.stringify(doc);
}

/** Parses the mapping field: empty means "the whole body is the parameters" (null). */
export function parseMapping(text: string): Record<string, string> | null | string {
  if (!text.trim()) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'Not JSON: give an object such as {"steps": "/order/items"}';
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "Give a JSON object";
  for (const [name, pointer] of Object.entries(parsed)) {
    if (typeof pointer !== "string" || (pointer !== "" && !pointer.startsWith("/"))) {
      return `${name}: a JSON pointer starts with "/"`;
    }
  }
  return parsed as Record<string, string>;
}
