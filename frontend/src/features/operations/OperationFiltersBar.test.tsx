import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useSearchParams } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startSession } from "@/features/auth/session";
import { json, stubFetch } from "@/test/fetch-stub";
import { renderRoutes } from "@/test/render";
import { filtersFromSearch, filtersToSearch } from "./filters-url";
import { OperationFiltersBar } from "./OperationFiltersBar";

/** The bar as the admin page uses it: the filters live in the URL. */
function FiltersInUrl() {
  const [search, setSearch] = useSearchParams();
  return (
    <OperationFiltersBar
      value={filtersFromSearch(search)}
      onChange={(next) => setSearch(filtersToSearch(next))}
      withOwner
    />
  );
}

describe("OperationFiltersBar", () => {
  beforeEach(() => {
    startSession("token", 3600);
    stubFetch({ "GET /api/v1/workflows": () => json([]) });
  });
  afterEach(() => vi.useRealTimers());

  function renderBar(path: string) {
    return renderRoutes([{ path: "/admin", element: <FiltersInUrl /> }], path);
  }

  it("applies the typed owner after a pause, trimmed", async () => {
    const user = userEvent.setup({ delay: null });
    const { router } = renderBar("/admin");
    await user.type(screen.getByRole("textbox", { name: "Owner" }), " bob ");
    await waitFor(() => expect(router.state.location.search).toBe("?owner=bob"));
  });

  it("shows the owner of the URL after back and forward navigation", async () => {
    const { router } = renderBar("/admin?owner=alice");
    const owner = screen.getByRole("textbox", { name: "Owner" });
    expect(owner).toHaveValue("alice");
    await router.navigate("/admin?owner=carol");
    await waitFor(() => expect(owner).toHaveValue("carol"));
    await router.navigate(-1);
    await waitFor(() => expect(owner).toHaveValue("alice"));
    await router.navigate(1);
    await waitFor(() => expect(owner).toHaveValue("carol"));
    await router.navigate("/admin");
    await waitFor(() => expect(owner).toHaveValue(""));
  });

  it("drops an edit still waiting to be applied when the URL changes under it", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ delay: null, advanceTimers: vi.advanceTimersByTime });
    const { router } = renderBar("/admin?owner=alice");
    const owner = screen.getByRole("textbox", { name: "Owner" });
    await user.clear(owner);
    await user.type(owner, "dave");
    await act(() => router.navigate("/admin?owner=erin"));
    expect(owner).toHaveValue("erin");
    // Well past the pause, the URL still says erin: the old edit did not come back.
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    expect(router.state.location.search).toBe("?owner=erin");
    expect(owner).toHaveValue("erin");
  });

  it("clears every filter, the owner box included", async () => {
    const user = userEvent.setup({ delay: null });
    const { router } = renderBar("/admin?owner=alice&status=running");
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(router.state.location.search).toBe(""));
    expect(screen.getByRole("textbox", { name: "Owner" })).toHaveValue("");
  });
});
