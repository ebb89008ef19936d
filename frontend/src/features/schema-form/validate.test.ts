import { describe, expect, it } from "vitest";
import everyShapeSchema from "@/test/fixtures/every-shape.schema.json";
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

describe("validation of the other shapes", () => {
  const shapes = fieldsFromSchema(everyShapeSchema as JsonSchema);
  const valid = {
    ...initialValues(shapes),
    run_at: "2026-03-01T10:30",
    ratio: 0.5,
  };
  const errorsWith = (changes: Record<string, unknown>) =>
    validateValues(shapes, { ...valid, ...changes } as typeof valid);

  it("accepts a complete form", () => {
    expect(validateValues(shapes, valid)).toEqual({});
  });

  it("checks exclusive bounds", () => {
    expect(errorsWith({ ratio: 0 }).ratio).toBe("Must be greater than 0");
    expect(errorsWith({ ratio: 1 }).ratio).toBe("Must be less than 1");
    expect(errorsWith({ ratio: 0.999 }).ratio).toBeUndefined();
  });

  it("rejects JSON that does not parse, but not in a lenient field", () => {
    expect(errorsWith({ options: '{"retries": 3' }).options).toBe("Enter valid JSON");
    expect(errorsWith({ match: "^[A-Z]{3}$" }).match).toBeUndefined();
  });

  it("rejects a value outside a select's options", () => {
    const [level] = fieldsFromSchema({
      type: "object",
      properties: { level: { enum: ["low", "high"] } },
      required: ["level"],
    });
    if (!level) throw new Error("no spec");
    expect(validateValues([level], { level: "medium" }).level).toBe("Choose one of the options");
  });

  it("counts tags, multi-select options and list items against their bounds", () => {
    expect(errorsWith({ labels: [] }).labels).toBe("Enter at least 1 value");
    expect(errorsWith({ labels: ["a", "b", "c", "d"] }).labels).toBe("Enter at most 3 values");
    expect(errorsWith({ channels: ["email", "sms", "push"] }).channels).toBe("Choose at most 2 options");
    expect(errorsWith({ channels: ["fax"] }).channels).toBe("Choose from the listed options");
    const step = { name: "x" };
    expect(errorsWith({ steps: [step, step, step] }).steps).toBe("Add at most 2 steps");
    expect(errorsWith({ steps: [step, { name: "" }] })).toEqual({ "steps.1.name": "This field is required" });
  });

  it("rejects dates and times that do not exist", () => {
    expect(errorsWith({ run_at: "2026-02-30T10:00" }).run_at).toBe("Enter a valid date and time");
    expect(errorsWith({ run_at: "2026-03-01" }).run_at).toBe("Enter a valid date and time");
    expect(errorsWith({ run_at: "" }).run_at).toBe("This field is required");
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
