import { describe, expect, it } from "vitest";
import { summarize, valueRows } from "./value-summary";

describe("summarize", () => {
  it("writes plain values as people read them", () => {
    expect(summarize(15)).toBe("15");
    expect(summarize("ledger.csv")).toBe("ledger.csv");
    expect(summarize(true)).toBe("Yes");
    expect(summarize(false)).toBe("No");
    expect(summarize(null)).toBe("—");
    expect(summarize([])).toBe("None");
    expect(summarize({})).toBe("None");
  });

  it("spells out the first items of a list and counts the rest", () => {
    expect(summarize(["pdf", "xlsx"])).toBe("pdf, xlsx");
    expect(summarize([1, 2, 3, 4, 5, 6, 7])).toBe("1, 2, 3, 4, 5, … (7 items)");
  });

  it("summarises nested values instead of printing them", () => {
    expect(summarize({ scanned: 10, valid: 9 })).toBe("scanned: 10, valid: 9");
    expect(summarize({ food: { net: "12.00", count: 3 }, rent: { net: "900.00", count: 1 } })).toBe(
      "food: 2 fields, rent: 2 fields",
    );
    expect(summarize([{ column: "amount" }, { column: "date" }])).toBe("1 field, 1 field");
    expect(summarize([["a", "b"], []])).toBe("2 items, None");
    expect(summarize(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, i])))).toBe(
      "k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, … (8 fields)",
    );
  });
});

describe("valueRows", () => {
  it("labels rows by the given names, else by the key in words", () => {
    expect(valueRows({ step_s: 0.2, rows_checked: 10 }, { step_s: "Step duration (s)" })).toEqual([
      { key: "step_s", label: "Step duration (s)", text: "0.2" },
      { key: "rows_checked", label: "Rows checked", text: "10" },
    ]);
  });
});
