import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/lib/api-types";
import { messageToSend, sendsOnKey, transcript } from "./transcript";

let nextId = 1;
function msg(role: ChatMessage["role"], text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: nextId++,
    role,
    text,
    buttons: [],
    operation_ids: [],
    created_at: "2026-01-01T00:00:00Z",
    ...extra,
  };
}

describe("transcript", () => {
  it("shows a started operation as a card whose own Cancel replaces the message's button", () => {
    const started = msg("assistant", "demo.sleep queued", {
      operation_ids: ["op-1"],
      buttons: [{ label: "Cancel", command: "/cancel op-1" }],
    });
    const [, entry] = transcript([msg("user", "/run demo.sleep"), started]);
    expect(entry?.operationIds).toEqual(["op-1"]);
    expect(entry?.buttons).toEqual([]);
  });

  it("keeps a status reply's Cancel button, which no card offers", () => {
    const status = msg("assistant", "running", { buttons: [{ label: "Cancel", command: "/cancel op-2" }] });
    expect(transcript([msg("user", "/status"), status])[1]?.buttons).toHaveLength(1);
  });

  it("offers a proposal's buttons only until the user has answered", () => {
    const proposal = msg("assistant", "Shall I run demo.sleep?", {
      buttons: [
        { label: "Run it", command: "/yes" },
        { label: "Don't", command: "/no" },
      ],
    });
    const open = transcript([msg("user", "sleep please"), proposal]);
    expect(open[1]?.buttons.map((b) => b.command)).toEqual(["/yes", "/no"]);
    const answered = transcript([
      msg("user", "sleep please"),
      proposal,
      msg("user", "no"),
      msg("assistant", "OK"),
    ]);
    expect(answered[1]?.buttons).toEqual([]);
  });
});

describe("composer", () => {
  it("sends on Enter but not with Shift or while composing a character", () => {
    expect(sendsOnKey({ key: "Enter", shiftKey: false })).toBe(true);
    expect(sendsOnKey({ key: "Enter", shiftKey: true })).toBe(false);
    expect(sendsOnKey({ key: "Enter", shiftKey: false, isComposing: true })).toBe(false);
    expect(sendsOnKey({ key: "a", shiftKey: false })).toBe(false);
  });

  it("sends trimmed text and nothing for blanks", () => {
    expect(messageToSend("  /help \n")).toBe("/help");
    expect(messageToSend(" \n ")).toBeNull();
    expect(messageToSend("x".repeat(5000))).toHaveLength(4000);
  });
});
