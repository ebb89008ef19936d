import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { routes } from "@/app/routes";
import type { User } from "@/lib/api-types";
import { json, problem, stubFetch } from "@/test/fetch-stub";
import { renderRoutes } from "@/test/render";
import { endSession, resetSessionForTests, startSession } from "./session";

const alice: User = {
  id: "u1",
  username: "alice",
  role: "user",
  disabled: false,
  created_at: "2026-01-01T00:00:00Z",
};
const root: User = { ...alice, id: "u0", username: "root", role: "admin" };

function api(user: User) {
  return stubFetch({
    "POST /api/v1/auth/token": () => json({ access_token: "jwt", token_type: "bearer", expires_in: 900 }),
    "GET /api/v1/users/me": (req) =>
      req.headers.get("Authorization") ? json(user) : problem(401, { title: "Unauthorized" }),
    "GET /api/v1/operations": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/workflows": () => json([]),
    "GET /api/v1/stats": () =>
      json({
        active: 0,
        queued: 0,
        running: 0,
        completed_today: 0,
        finished_today: 0,
        success_rate: null,
        avg_duration_s: null,
      }),
    "GET /api/v1/admin/operations": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/admin/queue": () =>
      json({
        depth_by_priority: { high: 0, normal: 0, low: 0 },
        queued: 0,
        running: 0,
        capacity: 10,
        workers: 2,
        max_queued_per_user: 5,
        max_running_per_user: 1,
        per_user: [],
      }),
    "GET /api/v1/health/ready": () => json({ status: "ok", checks: { database: true } }),
  });
}

describe("auth guard", () => {
  beforeEach(() => {
    endSession();
    resetSessionForTests();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends an unauthenticated visitor to the login page with the return path, then back after sign-in", async () => {
    const { requests } = api(alice);
    const user = userEvent.setup({ delay: null });
    const { router } = renderRoutes(routes, "/history?status=running");

    await waitFor(() => expect(router.state.location.pathname).toBe("/login"));
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/history?status=running")}`);

    await user.type(await screen.findByLabelText(/^Username/), "alice");
    await user.type(screen.getByLabelText(/^Password/), "secret");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { name: "History", level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/history");
    expect(router.state.location.search).toBe("?status=running");
    const login = requests.find((r) => r.url.endsWith("/auth/token"));
    expect(await login?.text()).toBe("username=alice&password=secret");
    // The token is kept for reloads of this tab only.
    expect(sessionStorage.getItem("underway.session")).toContain("jwt");
    expect(localStorage.getItem("underway.session")).toBeNull();
  });

  it("shows a 403 page to a non-admin at an admin URL, and no Admin link", async () => {
    api(alice);
    startSession("jwt", 900);
    renderRoutes(routes, "/admin");
    expect(await screen.findByRole("heading", { name: "Access denied" })).toBeInTheDocument();
    expect(screen.getByText("403")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Dashboard" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Admin" })).not.toBeInTheDocument();
  });

  it("lets an admin in and shows the Admin link", async () => {
    api(root);
    startSession("jwt", 900);
    renderRoutes(routes, "/admin");
    expect(await screen.findByRole("heading", { name: "Administration" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Admin" })).toBeInTheDocument();
  });

  it("sends the user to login when the session expires (401) and back afterwards", async () => {
    api(alice);
    startSession("jwt", 900);
    const { router } = renderRoutes(routes, "/settings");
    expect(await screen.findByRole("heading", { name: "Settings" })).toBeInTheDocument();

    // The server now rejects the token.
    stubFetch({ "*": () => problem(401, { title: "Unauthorized", detail: "Token expired" }) });
    await router.navigate("/history");
    await waitFor(() => expect(router.state.location.pathname).toBe("/login"));
    expect(await screen.findByText("Your session has expired. Please sign in again.")).toBeInTheDocument();
    expect(new URLSearchParams(router.state.location.search).get("next")).toBe("/history");

    api(alice);
    const user = userEvent.setup({ delay: null });
    await user.type(screen.getByLabelText(/^Username/), "alice");
    await user.type(screen.getByLabelText(/^Password/), "secret");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "History", level: 1 })).toBeInTheDocument();
  });

  it("signs an idle tab out when the token expires, and sends the user to login with the return path", async () => {
    // Only the clock is faked: the session's expiry timer fires without any request being made.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], shouldAdvanceTime: true });
    const { requests } = api(alice);
    startSession("jwt", 900);
    const { router } = renderRoutes(routes, "/history?status=running");
    expect(await screen.findByRole("heading", { name: "History", level: 1 })).toBeInTheDocument();
    const requestsBefore = requests.length;

    vi.advanceTimersByTime(899_000);
    expect(router.state.location.pathname).toBe("/history");

    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    await waitFor(() => expect(router.state.location.pathname).toBe("/login"));
    expect(new URLSearchParams(router.state.location.search).get("next")).toBe("/history?status=running");
    expect(await screen.findByText("Your session has expired. Please sign in again.")).toBeInTheDocument();
    expect(sessionStorage.getItem("underway.session")).toBeNull();
    // No request had to fail first: the app noticed the expiry by itself.
    expect(requests.slice(requestsBefore).map((r) => new URL(r.url).pathname)).toEqual([]);
  });
});
