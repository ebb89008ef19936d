import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { startSession } from "@/features/auth/session";
import { json, problem, stubFetch } from "@/test/fetch-stub";
import { renderRoutes } from "@/test/render";
import { IntegrationsPage } from "./IntegrationsPage";

const TRIGGER = {
  id: "trg_abc",
  owner: "alice",
  name: "New order",
  workflow: "demo.sleep",
  scheme: "standard_webhooks",
  fixed_params: {},
  params_mapping: { steps: "/order/items" },
  enabled: true,
  url: "/api/v1/hooks/trg_abc",
  created_at: "2026-12-07T10:00:00Z",
  updated_at: "2026-12-07T10:00:00Z",
};

function stubApi(extra: Parameters<typeof stubFetch>[0] = {}) {
  return stubFetch({
    "GET /api/v1/users/me": () =>
      json({
        id: "u1",
        username: "alice",
        role: "user",
        disabled: false,
        created_at: "2026-01-01T00:00:00Z",
      }),
    "GET /api/v1/webhooks/endpoints": () => json([]),
    "GET /api/v1/triggers": () => json([]),
    "GET /api/v1/workflows": () =>
      json([
        {
          name: "demo.sleep",
          title: "Sleep (demo)",
          description: "",
          stages: [],
          params_schema: {},
          retry_safe: false,
          requires: [],
        },
      ]),
    ...extra,
  });
}

describe("IntegrationsPage", () => {
  beforeEach(() => startSession("token", 3600));

  it("checks the mapping before sending, then shows the trigger's secret once with a runnable example", async () => {
    const { requests } = stubApi({
      "POST /api/v1/triggers": () => json({ ...TRIGGER, secret: "whsec_c2VjcmV0" }, { status: 201 }),
    });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: "/", element: <IntegrationsPage /> }], "/");
    await user.type(await screen.findByLabelText(/Trigger name/), "New order");
    await user.click(screen.getByRole("combobox", { name: "Workflow" }));
    await user.click(await screen.findByRole("option", { name: "Sleep (demo)" }));
    const mapping = screen.getByLabelText("Parameter mapping (optional)");
    await user.type(mapping, '{{"steps": "order"}');
    await user.click(screen.getByRole("button", { name: "Create trigger" }));
    expect(await screen.findByText('steps: a JSON pointer starts with "/"')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === "POST")).toHaveLength(0);

    await user.clear(mapping);
    await user.type(mapping, '{{"steps": "/order/items"}');
    await user.click(screen.getByRole("button", { name: "Create trigger" }));
    const dialog = await screen.findByRole("dialog", { name: "Your new trigger" });
    expect(within(dialog).getByTestId("new-secret")).toHaveTextContent("whsec_c2VjcmV0");
    const example = within(dialog).getByTestId("curl-example").textContent ?? "";
    expect(example).toContain(`url='${window.location.origin}/api/v1/hooks/trg_abc'`);
    expect(example).toContain(`body='{"order":{"items":1}}'`);
    const sent = requests.find((r) => r.method === "POST");
    expect(await sent?.json()).toEqual({
      name: "New order",
      workflow: "demo.sleep",
      scheme: "standard_webhooks",
      fixed_params: {},
      params_mapping: { steps: "/order/items" },
    });
  });

  it("puts the server's reason for refusing an endpoint URL under the field", async () => {
    stubApi({
      "POST /api/v1/webhooks/endpoints": () =>
        problem(422, {
          errors: [
            { loc: ["body", "url"], msg: "169.254.169.254 is a cloud metadata address", type: "value_error" },
          ],
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: "/", element: <IntegrationsPage /> }], "/");
    await user.type(await screen.findByLabelText(/Endpoint URL/), "http://169.254.169.254/");
    await user.click(screen.getByRole("button", { name: "Add endpoint" }));
    expect(await screen.findByText("169.254.169.254 is a cloud metadata address")).toBeInTheDocument();
  });
});
