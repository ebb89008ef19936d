import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { startSession } from "@/features/auth/session";
import { json, stubFetch } from "@/test/fetch-stub";
import { renderRoutes } from "@/test/render";
import { botNames, ChatPanel } from "./ChatPanel";

const LINK = {
  id: "l1",
  channel: "telegram",
  chat_id: "5551001",
  display_name: "@ann",
  user_id: "u1",
  username: "ann",
  created_at: "2026-03-01T10:00:00Z",
};

describe("ChatPanel", () => {
  beforeEach(() => startSession("token", 3600));

  it("names the configured bots", () => {
    expect(botNames({ telegram: true, whatsapp: true, language_model: false })).toBe("Telegram or WhatsApp");
    expect(botNames({ telegram: false, whatsapp: true, language_model: true })).toBe("WhatsApp");
    expect(botNames({ telegram: false, whatsapp: false, language_model: true })).toBeNull();
  });

  it("creates a link code to send to the bot, and unlinks a chat", async () => {
    let links = [LINK];
    const { requests } = stubFetch({
      "GET /api/v1/chat/channels": () => json({ telegram: true, whatsapp: false, language_model: false }),
      "GET /api/v1/chat/links": () => json(links),
      "POST /api/v1/chat/link-codes": () =>
        json({ code: "K7QX2MPA", expires_at: "2026-03-01T10:10:00Z" }, { status: 201 }),
      "DELETE /api/v1/chat/links/l1": () => {
        links = [];
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup({ delay: null });
    renderRoutes([{ path: "/", element: <ChatPanel /> }], "/");
    await user.click(await screen.findByRole("button", { name: "Create link code" }));
    expect(await screen.findByTestId("link-command")).toHaveTextContent("/link K7QX2MPA");

    const table = await screen.findByRole("table", { name: "Your linked chats" });
    expect(within(table).getByText("@ann")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Unlink Telegram @ann" }));
    expect(await screen.findByText("No chat is linked to your account.")).toBeInTheDocument();
    expect(requests.some((r) => r.method === "DELETE")).toBe(true);
  });

  it("says when no bot is set up", async () => {
    stubFetch({
      "GET /api/v1/chat/channels": () => json({ telegram: false, whatsapp: false, language_model: false }),
      "GET /api/v1/chat/links": () => json([]),
    });
    renderRoutes([{ path: "/", element: <ChatPanel /> }], "/");
    expect(await screen.findByText(/No chat bot is set up/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Create link code" })).not.toBeInTheDocument();
  });
});
