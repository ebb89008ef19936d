// What the chat transcript shows, from the stored messages (pure, no I/O).
import type { ChatButton, ChatMessage } from "@/lib/api-types";

export interface TranscriptEntry {
  message: ChatMessage;
  /** Operations to show as live cards (the message's text then only introduces them). */
  operationIds: string[];
  /** Buttons still worth pressing: a card has its own Cancel, and only the latest reply's
   * proposal buttons (Run it / Don't) can still be answered. */
  buttons: ChatButton[];
}

const CANCEL = /^\/cancel\s/;

export function transcript(messages: readonly ChatMessage[]): TranscriptEntry[] {
  let lastUser = -1;
  messages.forEach((m, i) => {
    if (m.role === "user") lastUser = i;
  });
  return messages.map((message, i) => {
    const answerable = message.role === "assistant" && i > lastUser;
    const buttons = answerable
      ? message.buttons.filter((b) => !(message.operation_ids.length > 0 && CANCEL.test(b.command)))
      : [];
    return { message, operationIds: message.operation_ids, buttons };
  });
}

/** Enter sends; Shift+Enter (or an IME composing a character) does not. */
export function sendsOnKey(event: { key: string; shiftKey: boolean; isComposing?: boolean }): boolean {
  return event.key === "Enter" && !event.shiftKey && !event.isComposing;
}

/** The composer's text, or null when there is nothing to send. */
export function messageToSend(text: string, maxLength = 4000): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  return trimmed.slice(0, maxLength);
}
