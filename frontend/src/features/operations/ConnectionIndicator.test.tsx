import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ConnectionState } from "@/lib/stream-connection";
import { renderWithProviders } from "@/test/render";
import { ConnectionIndicator } from "./ConnectionIndicator";

function show(state: ConnectionState, closeCode: number | null = null) {
  return renderWithProviders(<ConnectionIndicator connection={{ state, closeCode }} />);
}

describe("ConnectionIndicator", () => {
  it.each(["connecting", "open", "closed"] as const)("shows nothing while %s", (state) => {
    show(state);
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("announces reconnecting", () => {
    show("reconnecting", 1006);
    expect(screen.getByRole("status")).toHaveTextContent("Reconnecting…");
  });

  it.each([1008, 1009, 4403, 4404])(
    "says live updates stopped when the server refused the stream (%i)",
    (code) => {
      show("failed", code);
      expect(screen.getByRole("status")).toHaveTextContent("Live updates stopped");
      expect(screen.getByRole("status")).toHaveAttribute("title", "Reload the page to try again.");
    },
  );

  it("stays quiet for an expired session: the login page takes over", () => {
    show("failed", 4401);
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });
});
