// A fetch stub at the network boundary: routes "METHOD /path" (or "*" for any) to handlers, records requests.
import { vi } from "vitest";

export type Handler = (request: Request, url: URL) => Response | Promise<Response>;

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { "Content-Type": "application/json", ...(init.headers ?? {}) },
  });
}

export function problem(
  status: number,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify({ type: "about:blank", title: "Error", status, ...body }), {
    status,
    headers: { "Content-Type": "application/problem+json", ...headers },
  });
}

export function stubFetch(routes: Record<string, Handler>) {
  const requests: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    const url = new URL(request.url);
    const handler = routes[`${request.method} ${url.pathname}`] ?? routes["*"];
    if (!handler)
      return problem(404, { title: "Not Found", detail: `no stub for ${request.method} ${url.pathname}` });
    return handler(request, url);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { fetchMock, requests };
}
