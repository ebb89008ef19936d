import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { startSession } from "@/features/auth/session";
import { NewOperationForm } from "@/features/workflows/NewOperationForm";
import type { WorkflowInfo } from "@/lib/api-types";
import { json, stubFetch } from "@/test/fetch-stub";
import dataValidationSchema from "@/test/fixtures/data-validation.schema.json";
import { renderRoutes } from "@/test/render";
import { fieldsFromSchema, type JsonSchema } from "./schema";
import { acceptFor } from "./TextFileLoader";

const workflow: WorkflowInfo = {
  name: "data_validation",
  title: "Validate a CSV file",
  description: "",
  stages: [],
  params_schema: dataValidationSchema as unknown as Record<string, unknown>,
  retry_safe: false,
  requires: [],
};

function csvInput(): HTMLInputElement {
  const input = document.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error("no file input");
  return input;
}

describe("text fields with a media type (contentMediaType)", () => {
  beforeEach(() => startSession("token", 3600));

  it("reads a text/csv string as a textarea that can load a .csv file", () => {
    const csv = fieldsFromSchema(dataValidationSchema as JsonSchema).find((s) => s.name === "csv_text");
    expect(csv).toMatchObject({ kind: "textarea", mediaType: "text/csv", maxLength: 2_000_000 });
    expect(acceptFor("text/csv")).toBe("text/csv,.csv");
    expect(acceptFor("text/markdown")).toBe("text/markdown");
  });

  it("loads the chosen file into the field and submits its text", async () => {
    const { requests } = stubFetch({
      "POST /api/v1/operations": () => json({ id: "op-1" }, { status: 202 }),
    });
    const user = userEvent.setup({ delay: null });
    renderRoutes(
      [
        { path: "/", element: <NewOperationForm workflow={workflow} /> },
        { path: "/operations/:id", element: <p>Operation page</p> },
      ],
      "/",
    );
    expect(screen.getByRole("button", { name: "Load from a file…" })).toBeInTheDocument();
    expect(csvInput().accept).toBe("text/csv,.csv");

    await user.upload(csvInput(), new File(["id,amount\n1,5\n"], "ledger.csv", { type: "text/csv" }));
    expect(await screen.findByText("Loaded ledger.csv")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "CSV text" })).toHaveValue("id,amount\n1,5\n");

    await user.click(screen.getByRole("button", { name: "Add rule" }));
    await user.type(screen.getByRole("textbox", { name: "Column" }), "id");
    await user.click(screen.getByRole("combobox", { name: "Check" }));
    await user.click(await screen.findByRole("option", { name: "required" }));
    await user.click(screen.getByRole("button", { name: "Start operation" }));
    expect(await screen.findByText("Operation page")).toBeInTheDocument();
    const body = await requests[0]?.json();
    expect(body.params.csv_text).toBe("id,amount\n1,5\n");
  });

  it("refuses a file larger than the field allows and keeps what the field had", async () => {
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: "/", element: <NewOperationForm workflow={workflow} /> }], "/");
    const field = screen.getByRole("textbox", { name: "CSV text" });
    await user.type(field, "kept");
    const huge = new File(["x".repeat(2_000_001)], "huge.csv", { type: "text/csv" });
    await user.upload(csvInput(), huge);
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "huge.csv is too large: at most 2,000,000 characters.",
    );
    expect(field).toHaveValue("kept");
  });
});
