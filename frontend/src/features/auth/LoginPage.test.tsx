import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { problem, stubFetch } from "@/test/fetch-stub";
import { renderRoutes } from "@/test/render";
import { LoginPage } from "./LoginPage";
import { endSession } from "./session";

async function signIn() {
  const user = userEvent.setup({ delay: null });
  renderRoutes([{ path: "/login", element: <LoginPage /> }], "/login");
  await user.type(screen.getByLabelText(/^Username/), "alice");
  await user.type(screen.getByLabelText(/^Password/), "wrong");
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  return screen.findByRole("alert");
}

describe("LoginPage errors", () => {
  beforeEach(() => endSession());

  it("says the credentials are wrong on 401", async () => {
    stubFetch({ "POST /api/v1/auth/token": () => problem(401, { title: "Invalid credentials" }) });
    expect(await signIn()).toHaveTextContent("Incorrect username or password.");
  });

  it("says the account is disabled on 403", async () => {
    stubFetch({
      "POST /api/v1/auth/token": () =>
        problem(403, {
          title: "Account disabled",
          detail: "This account is disabled; ask an administrator.",
        }),
    });
    expect(await signIn()).toHaveTextContent("This account is disabled; ask an administrator.");
  });

  it("gives the retry time on 429 and blocks the button until then", async () => {
    stubFetch({
      "POST /api/v1/auth/token": () => problem(429, { title: "Too Many Requests" }, { "Retry-After": "42" }),
    });
    const alert = await signIn();
    expect(alert).toHaveTextContent("Too many sign-in attempts.");
    expect(alert).toHaveTextContent(/Try again in 4[12] seconds\./);
    expect(screen.getByRole("button", { name: "Sign in" })).toBeDisabled();
  });

  it("says to try again shortly when a 429 gives no Retry-After, without inventing a wait", async () => {
    stubFetch({ "POST /api/v1/auth/token": () => problem(429, { title: "Too Many Requests" }) });
    const alert = await signIn();
    expect(alert).toHaveTextContent("Too many sign-in attempts. Try again shortly.");
    expect(alert).not.toHaveTextContent(/\d+ seconds?/);
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("asks for missing fields without calling the server", async () => {
    const { fetchMock } = stubFetch({});
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: "/login", element: <LoginPage /> }], "/login");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.getByText("Enter your username")).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
