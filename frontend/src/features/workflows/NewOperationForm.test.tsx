import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { WorkflowInfo } from "@/lib/api-types";
import { json, problem, stubFetch } from "@/test/fetch-stub";
import everyShapeSchema from "@/test/fixtures/every-shape.schema.json";
import reportSchema from "@/test/fixtures/report-params.schema.json";
import { renderRoutes } from "@/test/render";
import { startSession } from "../auth/session";
import { NewOperationForm } from "./NewOperationForm";

const workflow: WorkflowInfo = {
  name: "demo.report",
  title: "Report",
  description: "Makes a report",
  stages: [{ name: "prepare", description: "", weight: 1, expected_duration_s: null }],
  params_schema: reportSchema as unknown as Record<string, unknown>,
  retry_safe: false,
  requires: [],
};

function renderForm() {
  return renderRoutes(
    [
      { path: "/workflows/:name", element: <NewOperationForm workflow={workflow} /> },
      { path: "/operations/:id", element: <p>Operation page</p> },
    ],
    "/workflows/demo.report",
  );
}

async function choose(user: ReturnType<typeof userEvent.setup>, label: string, option: string) {
  await user.click(screen.getByRole("combobox", { name: label }));
  await user.click(await screen.findByRole("option", { name: option }));
}

async function fillValid(user: ReturnType<typeof userEvent.setup>) {
  await choose(user, "Region", "us");
  await user.type(screen.getByLabelText(/^Month/), "2026-03-01");
  await user.type(screen.getByRole("textbox", { name: "Report title" }), "March report");
}

async function bodyOf(request: Request | undefined) {
  if (!request) throw new Error("nothing was sent");
  return request.json();
}

async function submitValid() {
  const user = userEvent.setup({ delay: null });
  renderForm();
  await fillValid(user);
  await user.click(screen.getByRole("button", { name: "Start operation" }));
}

/** The form's own alert (the toasts are alerts too). */
function notStarted() {
  return screen.findByRole("alert", { name: "The operation was not started" });
}

/** The toast with this title. */
async function toast(title: string) {
  await waitFor(() =>
    expect(screen.getAllByRole("alert").some((a) => a.textContent?.startsWith(title))).toBe(true),
  );
  const found = screen.getAllByRole("alert").find((a) => a.textContent?.startsWith(title));
  if (!found) throw new Error(`no toast ${title}`);
  return found;
}

describe("NewOperationForm (schema-driven)", () => {
  beforeEach(() => startSession("token", 3600));

  it("renders a labelled input of the right kind for every schema shape", () => {
    renderForm();
    expect(screen.getByRole("combobox", { name: "Region" })).toBeInTheDocument(); // $ref enum -> Select
    expect(screen.getByRole("combobox", { name: "Formats" })).toBeInTheDocument(); // array of enums
    expect(screen.getByText("pdf")).toBeInTheDocument(); // ...with its default as a pill
    expect(screen.getByLabelText(/^Month/)).toHaveAttribute("type", "date"); // format: date
    expect(screen.getByRole("switch", { name: "Include drafts" })).not.toBeChecked(); // boolean
    const slider = screen.getByRole("slider", { name: "Top entries" }); // bounded narrow int
    expect(slider).toHaveAttribute("aria-valuemin", "1");
    expect(slider).toHaveAttribute("aria-valuemax", "50");
    expect(slider).toHaveAttribute("aria-valuenow", "10");
    expect(screen.getByRole("textbox", { name: "Sample size" })).toHaveValue("1000"); // wide int
    expect(screen.getByRole("textbox", { name: "Threshold" })).toHaveValue(""); // anyOf [number, null]
    expect(screen.getByRole("textbox", { name: "Notes" }).tagName).toBe("TEXTAREA"); // long max_length
    expect(screen.getByRole("combobox", { name: "Currency" })).toHaveValue("EUR"); // Literal
    expect(screen.getByRole("combobox", { name: "Fallback region" })).toHaveValue(""); // anyOf [$ref, null]
    expect(screen.getByRole("radio", { name: "Normal" })).toBeChecked();
    expect(screen.getByRole("textbox", { name: "Timeout (seconds)" })).toBeInTheDocument();
  });

  it("shows client-side validation messages on the fields and sends nothing", async () => {
    const { fetchMock } = stubFetch({});
    const user = userEvent.setup({ delay: null });
    renderForm();
    await user.type(screen.getByRole("textbox", { name: "Sample size" }), "{Control>}a{/Control}5");
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    const region = screen.getByRole("combobox", { name: "Region" });
    expect(region).toHaveAttribute("aria-invalid", "true");
    expect(region).toHaveAccessibleDescription(expect.stringContaining("This field is required"));
    expect(screen.getByRole("textbox", { name: "Report title" })).toHaveAccessibleDescription(
      "This field is required",
    );
    expect(screen.getByRole("textbox", { name: "Sample size" })).toHaveAccessibleDescription(
      expect.stringContaining("Must be at least 10"),
    );
    expect(region).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();

    await user.type(screen.getByRole("textbox", { name: "Report title" }), "a/");
    await user.tab();
    expect(screen.getByRole("textbox", { name: "Report title" })).toHaveAccessibleDescription(
      "Must be at least 3 characters",
    );
  });

  it("submits typed params with priority and idempotency key, then opens the operation", async () => {
    const { requests } = stubFetch({
      "POST /api/v1/operations": () => json({ id: "op-1", status: "queued" }, { status: 202 }),
    });
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("switch", { name: "Include drafts" }));
    await user.click(screen.getByRole("radio", { name: "High" }));
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    expect(await screen.findByText("Operation page")).toBeInTheDocument();
    const request = requests[0];
    if (!request) throw new Error("no request");
    expect(request.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await request.json()).toEqual({
      workflow: "demo.report",
      priority: "high",
      params: {
        region: "us",
        formats: ["pdf"],
        month: "2026-03-01",
        include_drafts: true,
        top_n: 10,
        sample_size: 1000,
        title: "March report",
        currency: "EUR",
      },
    });
  });

  it("shows server 422 field errors on the right fields", async () => {
    stubFetch({
      "POST /api/v1/operations": () =>
        problem(422, {
          title: "Invalid parameters",
          errors: [
            {
              loc: ["body", "params", "title"],
              msg: "Value error, a report with this title exists",
              type: "value_error",
            },
            { loc: ["params", "month"], msg: "No data for this month", type: "value_error" },
            { loc: ["body", "timeout_s"], msg: "Must not exceed 86400", type: "less_than_equal" },
            {
              loc: ["body", "params", "unknown"],
              msg: "Extra inputs are not permitted",
              type: "extra_forbidden",
            },
          ],
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillValid(user);
    await user.type(screen.getByRole("textbox", { name: "Timeout (seconds)" }), "999999");
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    const title = screen.getByRole("textbox", { name: "Report title" });
    await waitFor(() => expect(title).toHaveAccessibleDescription("A report with this title exists"));
    expect(title).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText(/^Month/)).toHaveAccessibleDescription(
      expect.stringContaining("No data for this month"),
    );
    expect(screen.getByRole("textbox", { name: "Timeout (seconds)" })).toHaveAccessibleDescription(
      expect.stringContaining("Must not exceed 86400"),
    );
    const alert = screen.getByRole("alert");
    expect(within(alert).getByText("unknown: Extra inputs are not permitted")).toBeInTheDocument();
  });

  it("explains a full queue in the form and in a toast, with the retry time and no raw JSON", async () => {
    stubFetch({
      "POST /api/v1/operations": () =>
        problem(
          503,
          {
            type: "urn:underway:problem:queue-full",
            title: "Queue full",
            detail: "The queue is full (1000 operations waiting); retry later",
          },
          { "Retry-After": "30" },
        ),
    });
    await submitValid();
    const inline = await notStarted();
    const shown = await toast("The queue is full");
    for (const alert of [inline, shown]) {
      expect(alert).toHaveTextContent("The queue is full (1000 operations waiting); retry later");
      expect(alert).toHaveTextContent("Please try again in 30 seconds.");
      expect(alert).not.toHaveTextContent("{");
    }
  });

  it("calls a 503 from a proxy an outage, not a full queue", async () => {
    stubFetch({
      "POST /api/v1/operations": () =>
        new Response("<html><body>502 Bad Gateway</body></html>", {
          status: 503,
          headers: { "Content-Type": "text/html", "Retry-After": "5" },
        }),
    });
    await submitValid();
    const shown = await toast("Service unavailable");
    expect(shown).toHaveTextContent("The service is unavailable. Please try again in 5 seconds.");
    expect(await notStarted()).toHaveTextContent(
      "The service is unavailable. Please try again in 5 seconds.",
    );
    for (const alert of screen.getAllByRole("alert")) {
      expect(alert).not.toHaveTextContent(/queue/i);
      expect(alert).not.toHaveTextContent("<html>");
    }
  });

  it("says when to retry after a rate limit (429)", async () => {
    stubFetch({
      "POST /api/v1/operations": () =>
        problem(
          429,
          {
            type: "urn:underway:problem:rate-limited",
            title: "Too Many Requests",
            detail: "Rate limit exceeded.",
          },
          { "Retry-After": "12" },
        ),
    });
    await submitValid();
    expect(await toast("Too many requests")).toHaveTextContent(
      "Rate limit exceeded. Please try again in 12 seconds.",
    );
    expect(await notStarted()).toHaveTextContent("Please try again in 12 seconds.");
  });

  it("says the server cannot be reached when the request fails on the network", async () => {
    stubFetch({
      "POST /api/v1/operations": () => {
        throw new TypeError("Failed to fetch");
      },
    });
    await submitValid();
    expect(await toast("Connection problem")).toHaveTextContent(
      "Cannot reach the server. Check your connection and try again.",
    );
    expect(await notStarted()).toHaveTextContent("Cannot reach the server.");
  });

  it("accepts any timeout above 0 seconds, as the schema does", async () => {
    const { requests } = stubFetch({
      "POST /api/v1/operations": () => json({ id: "op-1", status: "queued" }, { status: 202 }),
    });
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillValid(user);
    const timeout = screen.getByRole("textbox", { name: "Timeout (seconds)" });
    await user.type(timeout, "0");
    await user.click(screen.getByRole("button", { name: "Start operation" }));
    expect(timeout).toHaveAccessibleDescription(expect.stringContaining("Must be greater than 0"));
    expect(timeout).toHaveFocus();
    expect(requests).toHaveLength(0);

    await user.clear(timeout);
    await user.type(timeout, "0.5");
    await user.tab();
    expect(timeout).toHaveValue("0.5");
    await user.click(screen.getByRole("button", { name: "Start operation" }));
    expect(await screen.findByText("Operation page")).toBeInTheDocument();
    expect((await bodyOf(requests[0])).timeout_s).toBe(0.5);
  });
});

describe("NewOperationForm: the other schema shapes", () => {
  beforeEach(() => startSession("token", 3600));

  const shapes: WorkflowInfo = {
    ...workflow,
    name: "demo.shapes",
    title: "Shapes",
    params_schema: everyShapeSchema as unknown as Record<string, unknown>,
  };

  function renderShapes() {
    return renderRoutes(
      [
        { path: "/workflows/:name", element: <NewOperationForm workflow={shapes} /> },
        { path: "/operations/:id", element: <p>Operation page</p> },
      ],
      "/workflows/demo.shapes",
    );
  }

  it("renders tags, JSON, lenient JSON, a date-time and a list of objects", () => {
    renderShapes();
    expect(screen.getByRole("combobox", { name: "Labels" })).toHaveAccessibleDescription(
      expect.stringContaining("Press Enter after each value."),
    );
    expect(screen.getByText("nightly")).toBeInTheDocument(); // the default tag
    const options = screen.getByRole("textbox", { name: "Runner options" });
    expect(options.tagName).toBe("TEXTAREA");
    expect(JSON.parse((options as HTMLTextAreaElement).value)).toEqual({ retries: 3 });
    expect(screen.getByRole("textbox", { name: "Match" })).toHaveAccessibleDescription(
      expect.stringContaining('a JSON list such as ["a", "b"]'),
    );
    expect(screen.getByLabelText("Run at")).toHaveAttribute("type", "datetime-local");
    expect(screen.getByRole("textbox", { name: "Sampling ratio" })).toHaveAccessibleDescription(
      expect.stringContaining("More than 0 and less than 1."),
    );
    expect(screen.getByRole("combobox", { name: "Channels" })).toBeInTheDocument();
    expect(screen.getByRole("group", { name: "Steps" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Add step" })).toBeEnabled();
  });

  it("validates them in the browser: bad JSON, too many tags, too many items", async () => {
    const { requests } = stubFetch({});
    const user = userEvent.setup({ delay: null });
    renderShapes();
    const options = screen.getByRole("textbox", { name: "Runner options" });
    await user.clear(options);
    await user.type(options, '{{"retries": ');
    for (const tag of ["a", "b", "c"])
      await user.type(screen.getByRole("combobox", { name: "Labels" }), `${tag}{Enter}`);
    await user.click(screen.getByRole("button", { name: "Add step" }));
    await user.click(screen.getByRole("button", { name: "Add step" }));
    expect(screen.getByRole("button", { name: "Add step" })).toBeDisabled(); // maxItems 2
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    expect(screen.getByLabelText("Run at")).toHaveAccessibleDescription(
      expect.stringContaining("This field is required"),
    );
    expect(screen.getByRole("textbox", { name: "Sampling ratio" })).toHaveAccessibleDescription(
      expect.stringContaining("This field is required"),
    );
    expect(options).toHaveAccessibleDescription(expect.stringContaining("Enter valid JSON"));
    expect(screen.getByRole("combobox", { name: "Labels" })).toHaveAccessibleDescription(
      expect.stringContaining("Enter at most 3 values"),
    );
    expect(screen.getAllByRole("textbox", { name: "Step name" })[1]).toHaveAccessibleDescription(
      expect.stringContaining("This field is required"),
    );
    expect(screen.getByLabelText("Run at")).toHaveFocus();
    expect(requests).toHaveLength(0);
  });

  it("sends each value with its schema type: a local time with its offset, parsed JSON, text as text", async () => {
    const { requests } = stubFetch({
      "POST /api/v1/operations": () => json({ id: "op-2", status: "queued" }, { status: 202 }),
    });
    const user = userEvent.setup({ delay: null });
    renderShapes();
    await user.type(screen.getByLabelText("Run at"), "2026-01-15T09:30");
    await user.type(screen.getByRole("textbox", { name: "Sampling ratio" }), "0.25");
    await user.type(screen.getByRole("combobox", { name: "Labels" }), "weekly{Enter}");
    await user.type(screen.getByRole("textbox", { name: "Match" }), "^[[A-Z]{{3}$");
    await user.click(screen.getByRole("button", { name: "Add step" }));
    await user.type(screen.getByRole("textbox", { name: "Step name" }), "fetch");
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    expect(await screen.findByText("Operation page")).toBeInTheDocument();
    expect((await bodyOf(requests[0])).params).toEqual({
      run_at: "2026-01-15T09:30:00-08:00", // the test run's zone is America/Los_Angeles
      ratio: 0.25,
      labels: ["nightly", "weekly"],
      options: { retries: 3 },
      match: "^[A-Z]{3}$",
      steps: [{ name: "fetch" }],
    });
  });

  it("puts server 422 errors on the date-time, tags and list-item fields", async () => {
    stubFetch({
      "POST /api/v1/operations": () =>
        problem(422, {
          type: "urn:underway:problem:validation-error",
          errors: [
            {
              loc: ["body", "params", "run_at"],
              msg: "Value error, must be in the future",
              type: "value_error",
            },
            { loc: ["body", "params", "labels"], msg: "Unknown label", type: "value_error" },
            { loc: ["body", "params", "steps", 0, "name"], msg: "No such step", type: "value_error" },
          ],
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderShapes();
    await user.type(screen.getByLabelText("Run at"), "2020-01-15T09:30");
    await user.type(screen.getByRole("textbox", { name: "Sampling ratio" }), "0.5");
    await user.click(screen.getByRole("button", { name: "Add step" }));
    await user.type(screen.getByRole("textbox", { name: "Step name" }), "nope");
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    const runAt = screen.getByLabelText("Run at");
    await waitFor(() =>
      expect(runAt).toHaveAccessibleDescription(expect.stringContaining("Must be in the future")),
    );
    expect(runAt).toHaveAttribute("aria-invalid", "true");
    expect(runAt).toHaveFocus();
    expect(screen.getByRole("combobox", { name: "Labels" })).toHaveAccessibleDescription(
      expect.stringContaining("Unknown label"),
    );
    expect(screen.getByRole("textbox", { name: "Step name" })).toHaveAccessibleDescription(
      expect.stringContaining("No such step"),
    );
  });
});
