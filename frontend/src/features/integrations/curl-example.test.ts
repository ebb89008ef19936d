import { describe, expect, it } from "vitest";
import { absoluteUrl, curlExample, parseMapping, sampleBody } from "./curl-example";

describe("curlExample", () => {
  it("signs Standard Webhooks deliveries over id.timestamp.body with the decoded secret", () => {
    const text = curlExample(
      "standard_webhooks",
      "https://u.example/api/v1/hooks/trg_1",
      "whsec_QUJD",
      '{"a":1}',
    );
    expect(text).toContain("url='https://u.example/api/v1/hooks/trg_1'");
    expect(text).toContain('"$id.$ts.$body"');
    expect(text).toContain("secret#whsec_");
    expect(text).toContain('-H "webhook-signature: v1,$sig"');
  });

  it("uses GitHub's header and a bearer token for the other schemes", () => {
    expect(curlExample("github", "u", "s", "{}")).toContain("X-Hub-Signature-256: sha256=$sig");
    expect(curlExample("bearer", "u", "s", "{}")).toContain("Authorization: Bearer $secret");
  });

  it("quotes single quotes in the body for the shell", () => {
    expect(curlExample("bearer", "u", "s", `{"name":"O'Brien"}`)).toContain(`body='{"name":"O'"'"'Brien"}'`);
  });
});

describe("sampleBody and parseMapping", () => {
  it("builds a body that has something at every pointer", () => {
    expect(JSON.parse(sampleBody({ steps: "/order/items", id: "/id" }))).toEqual({
      order: { items: 1 },
      id: 1,
    });
    expect(sampleBody(null)).toBe("{}");
  });

  it("accepts an empty mapping as the whole body and explains bad ones", () => {
    expect(parseMapping("  ")).toBeNull();
    expect(parseMapping('{"steps": "/n"}')).toEqual({ steps: "/n" });
    expect(parseMapping('{"steps": "n"}')).toBe('steps: a JSON pointer starts with "/"');
    expect(parseMapping("[1]")).toBe("Give a JSON object");
    expect(parseMapping("{")).toMatch(/^Not JSON/);
  });
});

describe("absoluteUrl", () => {
  it("completes a path with the page's origin and keeps a full URL", () => {
    expect(absoluteUrl("/api/v1/hooks/trg_1", "http://127.0.0.1:8000")).toBe(
      "http://127.0.0.1:8000/api/v1/hooks/trg_1",
    );
    expect(absoluteUrl("https://u.example/api/v1/hooks/t", "http://x")).toBe(
      "https://u.example/api/v1/hooks/t",
    );
  });
});
