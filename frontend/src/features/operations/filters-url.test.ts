// The test run's time zone is America/Los_Angeles (vite.config.ts).
import { describe, expect, it } from "vitest";
import { emptyFilters, PAGE_SIZE, toListQuery } from "./api";
import { filtersFromSearch, filtersToSearch } from "./filters-url";

describe("filters in the URL", () => {
  it("round-trips every filter through the query string", () => {
    const filters = {
      status: ["running", "failed"] as const,
      workflow: "demo.sleep",
      from: "2026-03-01",
      to: "2026-03-31",
      owner: "alice",
    };
    const search = filtersToSearch({ ...filters, status: [...filters.status] });
    expect(search.toString()).toBe(
      "status=running%2Cfailed&workflow=demo.sleep&from=2026-03-01&to=2026-03-31&owner=alice",
    );
    expect(filtersFromSearch(search)).toEqual({ ...filters, status: ["running", "failed"] });
  });

  it("leaves empty filters out of the URL", () => {
    expect(filtersToSearch(emptyFilters).toString()).toBe("");
    expect(filtersFromSearch(new URLSearchParams())).toEqual(emptyFilters);
  });

  it("ignores what a hand-edited or old link gets wrong", () => {
    const filters = filtersFromSearch(
      new URLSearchParams("status=running,exploded,,queued&from=yesterday&to=2026-3-1&workflow=&owner="),
    );
    expect(filters).toEqual({ ...emptyFilters, status: ["running", "queued"] });
  });
});

describe("toListQuery", () => {
  it("turns whole local days into the API's UTC bounds", () => {
    const query = toListQuery({ ...emptyFilters, from: "2026-03-01", to: "2026-03-31" });
    // Midnight in Los Angeles is 08:00 UTC (PST); the end of March 31st is in PDT (UTC-7).
    expect(query.created_after).toBe("2026-03-01T08:00:00.000Z");
    expect(query.created_before).toBe("2026-04-01T06:59:59.999Z");
  });

  it("sends only the filters that are set, one page at a time", () => {
    expect(toListQuery(emptyFilters)).toEqual({
      status: undefined,
      workflow: undefined,
      created_after: undefined,
      created_before: undefined,
      limit: PAGE_SIZE,
    });
    expect(toListQuery({ ...emptyFilters, status: ["queued"], workflow: "demo.sleep" })).toMatchObject({
      status: ["queued"],
      workflow: "demo.sleep",
    });
  });
});
