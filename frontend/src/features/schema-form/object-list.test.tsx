import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { startSession } from "@/features/auth/session";
import { NewOperationForm } from "@/features/workflows/NewOperationForm";
import type { WorkflowInfo } from "@/lib/api-types";
import { json, problem, stubFetch } from "@/test/fetch-stub";
import dataValidationSchema from "@/test/fixtures/data-validation.schema.json";
import { renderRoutes } from "@/test/render";
import { fieldsFromSchema, type JsonSchema } from "./schema";
import { mapServerErrors } from "./server-errors";
import { validateValues } from "./validate";
import { initialValues, toParams } from "./values";

const schema = dataValidationSchema as JsonSchema;
const specs = fieldsFromSchema(schema);
const rules = specs.find((s) => s.name === "rules");

describe("lists of objects (data validation rules)", () => {
  it("reads a list of $ref objects as a repeatable group with typed item fields", () => {
    expect(rules).toMatchObject({
      kind: "objectlist",
      minItems: 1,
      maxItems: 50,
      itemLabel: "Rule",
      required: true,
    });
    expect(rules?.itemFields?.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["column", "text", true],
      ["check", "select", true],
      ["value", "json", false],
    ]);
    expect(rules?.itemFields?.[2]?.lenient).toBe(true);
    expect(specs.find((s) => s.name === "delimiter")?.options?.map((o) => o.label)).toEqual([
      ",",
      ";",
      "Tab",
      "|",
    ]);
    expect(specs.find((s) => s.name === "dataset")).toMatchObject({ kind: "select", nullable: true });
  });

  it("validates the list and each item, keyed by path", () => {
    const values = initialValues(specs);
    expect(validateValues(specs, values).rules).toBe("Add at least 1 rule");
    const withRow = { ...values, rules: [{ column: "", check: null, value: "" }] };
    expect(validateValues(specs, withRow)).toEqual({
      "rules.0.column": "This field is required",
      "rules.0.check": "This field is required",
    });
  });

  it("converts items to params: JSON lists and numbers parsed, other text kept as a string", () => {
    const values = {
      ...initialValues(specs),
      rules: [
        { column: "currency", check: "regex", value: "^[A-Z]{3}$" },
        { column: "type", check: "one_of", value: '["credit", "debit"]' },
        { column: "amount", check: "min", value: "0" },
        { column: "id", check: "required", value: "" },
      ],
    };
    expect(toParams(specs, values).rules).toEqual([
      { column: "currency", check: "regex", value: "^[A-Z]{3}$" },
      { column: "type", check: "one_of", value: ["credit", "debit"] },
      { column: "amount", check: "min", value: 0 },
      { column: "id", check: "required" },
    ]);
  });

  it("maps item errors from the server to the item's field", () => {
    const mapped = mapServerErrors(
      [
        {
          loc: ["body", "params", "rules", 1, "column"],
          msg: "String should have at least 1 character",
          type: "x",
        },
      ],
      specs.map((s) => s.name),
    );
    expect(mapped.params).toEqual({ "rules.1.column": "String should have at least 1 character" });
  });
});

describe("object list in the form", () => {
  beforeEach(() => startSession("token", 3600));

  const workflow: WorkflowInfo = {
    name: "data.validation",
    title: "Validate a CSV file",
    description: "",
    stages: [],
    params_schema: dataValidationSchema as unknown as Record<string, unknown>,
    retry_safe: false,
    requires: [],
  };

  it("adds a rule, shows item errors, and submits the list", async () => {
    const { requests } = stubFetch({
      "POST /api/v1/operations": () => json({ id: "op-9" }, { status: 202 }),
    });
    const user = userEvent.setup({ delay: null });
    renderRoutes(
      [
        { path: "/", element: <NewOperationForm workflow={workflow} /> },
        { path: "/operations/:id", element: <p>Operation page</p> },
      ],
      "/",
    );
    await user.click(screen.getByRole("button", { name: "Start operation" }));
    expect(screen.getByText("Add at least 1 rule")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Add rule" }));
    await user.click(screen.getByRole("button", { name: "Start operation" }));
    const column = screen.getByRole("textbox", { name: "Column" });
    expect(column).toHaveAccessibleDescription(expect.stringContaining("This field is required"));
    expect(column).toHaveFocus();

    await user.type(column, "amount");
    await user.click(screen.getByRole("combobox", { name: "Check" }));
    await user.click(await screen.findByRole("option", { name: "min" }));
    await user.type(screen.getByRole("textbox", { name: "Value" }), "0");
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    expect(await screen.findByText("Operation page")).toBeInTheDocument();
    const body = await requests[0]?.json();
    expect(body.params.rules).toEqual([{ column: "amount", check: "min", value: 0 }]);
  });

  it("puts a server error on the item's field", async () => {
    stubFetch({
      "POST /api/v1/operations": () =>
        problem(422, {
          errors: [{ loc: ["body", "params", "rules", 0, "column"], msg: "Unknown column", type: "x" }],
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: "/", element: <NewOperationForm workflow={workflow} /> }], "/");
    await user.click(screen.getByRole("button", { name: "Add rule" }));
    await user.type(screen.getByRole("textbox", { name: "Column" }), "nope");
    await user.click(screen.getByRole("combobox", { name: "Check" }));
    await user.click(await screen.findByRole("option", { name: "required" }));
    await user.click(screen.getByRole("button", { name: "Start operation" }));
    await waitFor(() =>
      expect(screen.getByRole("textbox", { name: "Column" })).toHaveAccessibleDescription(
        expect.stringContaining("Unknown column"),
      ),
    );
  });
});
