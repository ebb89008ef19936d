// The test run's time zone is America/Los_Angeles (vite.config.ts).
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startSession } from "@/features/auth/session";
import { json, stubFetch } from "@/test/fetch-stub";
import { renderRoutes } from "@/test/render";
import { ApiKeysPanel } from "./ApiKeysPanel";

describe("ApiKeysPanel", () => {
  beforeEach(() => startSession("token", 3600));
  afterEach(() => vi.useRealTimers());

  it("offers expiry dates from tomorrow in the user's time zone, late in the evening too", async () => {
    // 22:30 on March 1st in Los Angeles, already March 2nd in UTC.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-02T06:30:00Z"));
    stubFetch({ "GET /api/v1/api-keys": () => json([]) });
    renderRoutes([{ path: "/", element: <ApiKeysPanel /> }], "/");
    expect(await screen.findByText("You have no API keys.")).toBeInTheDocument();
    expect(screen.getByLabelText("Expires on (optional)")).toHaveAttribute("min", "2026-03-02");
  });

  it("sends the chosen expiry as the end of that local day", async () => {
    const { requests } = stubFetch({
      "GET /api/v1/api-keys": () => json([]),
      "POST /api/v1/api-keys": () =>
        json(
          {
            id: "k1",
            name: "nightly-ci",
            prefix: "uwk_abcdefgh",
            key: "uwk_secret",
            created_at: "2026-03-01T10:00:00Z",
            expires_at: "2030-07-01T06:59:59Z",
            last_used_at: null,
            revoked_at: null,
          },
          { status: 201 },
        ),
    });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: "/", element: <ApiKeysPanel /> }], "/");
    await user.type(screen.getByLabelText("Key name"), "nightly-ci");
    await user.type(screen.getByLabelText("Expires on (optional)"), "2030-06-30");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByRole("dialog", { name: "Your new API key" })).toBeInTheDocument();
    const created = requests.find((r) => r.method === "POST");
    expect(await created?.json()).toEqual({ name: "nightly-ci", expires_at: "2030-07-01T06:59:59.000Z" });
  });
});
