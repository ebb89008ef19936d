import { describe, expect, it } from "vitest";
import reportSchema from "@/test/fixtures/report-params.schema.json";
import { fieldsFromSchema, type JsonSchema } from "./schema";
import { validateValues } from "./validate";
import { initialValues, toParams } from "./values";

const specs = fieldsFromSchema(reportSchema as JsonSchema);

describe("client-side validation", () => {
  it("reports required fields on an untouched form, and only those", () => {
    expect(validateValues(specs, initialValues(specs))).toEqual({
      region: "This field is required",
      month: "This field is required",
      title: "This field is required",
    });
  });

  it("checks bounds, lengths, patterns, item counts and dates", () => {
    const values = {
      ...initialValues(specs),
      region: "eu",
      month: "2026-02-30",
      sample_size: 5,
      threshold: 1.5,
      title: "ab",
      formats: [],
      notes: "x".repeat(2001),
    };
    expect(validateValues(specs, values)).toEqual({
      month: "Enter a valid date (YYYY-MM-DD)",
      sample_size: "Must be at least 10",
      threshold: "Must be at most 1",
      title: "Must be at least 3 characters",
      formats: "Choose at least 1 option",
      notes: "Must be at most 2000 characters",
    });
    expect(validateValues(specs, { ...values, title: "Bad/title!", month: "2026-02-28" }).title).toBe(
      "Must match the format ^[A-Za-z0-9 ]+$",
    );
  });

  it("rejects decimals in integer fields", () => {
    const errors = validateValues(specs, { ...initialValues(specs), sample_size: 10.5 });
    expect(errors.sample_size).toBe("Enter a whole number");
  });
});

describe("form values to params", () => {
  it("sends chosen values with their schema types and leaves defaults to the server", () => {
    const values = {
      ...initialValues(specs),
      region: "us",
      month: "2026-03-01",
      title: "March report",
      formats: ["pdf", "csv"],
      include_drafts: true,
      threshold: "",
      notes: "",
    };
    expect(toParams(specs, values)).toEqual({
      region: "us",
      formats: ["pdf", "csv"],
      month: "2026-03-01",
      include_drafts: true,
      top_n: 10,
      sample_size: 1000,
      title: "March report",
      currency: "EUR",
    });
  });

  it("sends null for an empty nullable field without a default", () => {
    const [spec] = fieldsFromSchema({
      type: "object",
      properties: { limit: { anyOf: [{ type: "integer" }, { type: "null" }] } },
      required: ["limit"],
    });
    if (!spec) throw new Error("no spec");
    expect(toParams([spec], { limit: "" })).toEqual({ limit: null });
    expect(validateValues([spec], { limit: "" })).toEqual({});
  });

  it("restores numeric enum values", () => {
    const [spec] = fieldsFromSchema({ type: "object", properties: { level: { enum: [1, 2, 3] } } });
    if (!spec) throw new Error("no spec");
    expect(toParams([spec], { level: "2" })).toEqual({ level: 2 });
  });
});
