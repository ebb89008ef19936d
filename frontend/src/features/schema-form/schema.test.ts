import { describe, expect, it } from "vitest";
import everyShapeSchema from "@/test/fixtures/every-shape.schema.json";
import reportSchema from "@/test/fixtures/report-params.schema.json";
import { type FieldSpec, fieldsFromSchema, type JsonSchema } from "./schema";

const fields = fieldsFromSchema(reportSchema as JsonSchema);
const field = (name: string): FieldSpec => {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
};

describe("fieldsFromSchema (pydantic JSON Schema)", () => {
  it("keeps the model's declaration order", () => {
    expect(fields.map((f) => f.name)).toEqual([
      "region",
      "formats",
      "month",
      "include_drafts",
      "top_n",
      "sample_size",
      "threshold",
      "title",
      "notes",
      "currency",
      "fallback_region",
    ]);
  });

  it("turns a $ref enum into a required select titled from $defs", () => {
    const f = field("region");
    expect(f.kind).toBe("select");
    expect(f.label).toBe("Region");
    expect(f.description).toBe("Where the data comes from.");
    expect(f.required).toBe(true);
    expect(f.options?.map((o) => o.value)).toEqual(["eu", "us", "apac"]);
  });

  it("turns an array of $ref enums into a multi-select with minItems and default", () => {
    const f = field("formats");
    expect(f.kind).toBe("multiselect");
    expect(f.minItems).toBe(1);
    expect(f.defaultValue).toEqual(["pdf"]);
    expect(f.options?.map((o) => o.value)).toEqual(["pdf", "xlsx", "csv"]);
  });

  it("maps format: date to a date input and booleans to a switch", () => {
    expect(field("month").kind).toBe("date");
    expect(field("include_drafts").kind).toBe("switch");
    expect(field("include_drafts").defaultValue).toBe(false);
  });

  it("uses a slider for a narrow integer range with a default, a number input for a wide one", () => {
    expect(field("top_n")).toMatchObject({ kind: "slider", minimum: 1, maximum: 50, integer: true });
    expect(field("sample_size")).toMatchObject({ kind: "number", minimum: 10, maximum: 1_000_000 });
  });

  it("unwraps anyOf-with-null into a nullable field keeping the inner bounds", () => {
    expect(field("threshold")).toMatchObject({
      kind: "number",
      nullable: true,
      minimum: 0,
      maximum: 1,
      integer: false,
      step: 0.01,
      required: false,
    });
    expect(field("fallback_region")).toMatchObject({
      kind: "select",
      nullable: true,
      label: "Fallback region",
    });
    expect(field("fallback_region").options?.map((o) => o.value)).toEqual(["eu", "us", "apac"]);
  });

  it("reads string constraints and picks a textarea for long max lengths", () => {
    expect(field("title")).toMatchObject({
      kind: "text",
      minLength: 3,
      maxLength: 80,
      pattern: "^[A-Za-z0-9 ]+$",
      required: true,
    });
    expect(field("notes")).toMatchObject({ kind: "textarea", nullable: true, maxLength: 2000 });
  });

  it("turns a Literal into a select", () => {
    expect(field("currency")).toMatchObject({ kind: "select", defaultValue: "EUR" });
  });

  it("gives a required integer without default a number input, not a slider", () => {
    const [month] = fieldsFromSchema({
      type: "object",
      properties: { month: { type: "integer", minimum: 1, maximum: 12, title: "Month", examples: [6] } },
      required: ["month"],
    });
    expect(month).toMatchObject({ kind: "number", required: true, placeholder: "e.g. 6" });
  });

  it("handles const-or-null, type arrays, tags, special enum labels and a JSON fallback", () => {
    const specs = fieldsFromSchema({
      type: "object",
      $defs: { Rule: { type: "object", properties: { column: { type: "string" } } } },
      properties: {
        dataset: { anyOf: [{ const: "transactions", type: "string" }, { type: "null" }], default: null },
        label: { type: ["string", "null"], maxLength: 10 },
        tags: { type: "array", items: { type: "string" } },
        delimiter: { enum: [",", "\t"], default: "," },
        rules: { type: "array", items: { $ref: "#/$defs/Rule" }, minItems: 1 },
        matrix: { type: "array", items: { type: "array", items: { type: "number" } } },
      },
      required: ["rules"],
    });
    const by = Object.fromEntries(specs.map((s) => [s.name, s]));
    expect(by.dataset).toMatchObject({ kind: "select", nullable: true, label: "Dataset" });
    expect(by.label).toMatchObject({ kind: "text", nullable: true, maxLength: 10 });
    expect(by.tags?.kind).toBe("tags");
    expect(by.delimiter?.options?.map((o) => o.label)).toEqual([",", "Tab"]);
    expect(by.rules).toMatchObject({ kind: "objectlist", required: true, minItems: 1, itemLabel: "Item" });
    expect(by.matrix).toMatchObject({ kind: "json", required: false });
  });

  it("reads date-times, exclusive bounds, tags, JSON objects and lenient unions", () => {
    const by = Object.fromEntries(fieldsFromSchema(everyShapeSchema as JsonSchema).map((s) => [s.name, s]));
    expect(by.run_at).toMatchObject({ kind: "datetime", required: true });
    expect(by.ratio).toMatchObject({ kind: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 });
    expect(by.labels).toMatchObject({ kind: "tags", minItems: 1, maxItems: 3 });
    expect(by.channels).toMatchObject({ kind: "multiselect", maxItems: 2 });
    expect(by.options).toMatchObject({ kind: "json", defaultValue: { retries: 3 } });
    expect(by.match).toMatchObject({ kind: "json", lenient: true, nullable: true });
    expect(by.steps).toMatchObject({ kind: "objectlist", maxItems: 2, itemLabel: "Step" });
  });
});
