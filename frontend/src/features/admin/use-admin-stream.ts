// The admin stream: every operation's status/progress/stage events, for admins only.
import { useEffect, useRef, useState } from "react";
import { expireSession, getToken } from "@/features/auth/session";
import { parseServerMessage } from "@/features/operations/ws-messages";
import type { OperationEvent } from "@/lib/api-types";
import { type ConnectionState, StreamConnection } from "@/lib/stream-connection";
import { wsUrl } from "@/lib/ws-url";

export function useAdminStream(onEvent: (event: OperationEvent) => void, onReconnected: () => void) {
  const [state, setState] = useState<ConnectionState>("connecting");
  const handlers = useRef({ onEvent, onReconnected });
  handlers.current = { onEvent, onReconnected };

  useEffect(() => {
    const stream = new StreamConnection({
      url: () => wsUrl("/api/v1/admin/stream"),
      token: getToken,
      onUnauthorized: expireSession,
      onMessage: (raw) => {
        const message = parseServerMessage(raw);
        if (message?.type === "event") handlers.current.onEvent(message.event);
      },
      onState: (next) => {
        setState(next);
        if (next === "open") {
          // This stream cannot resume from a seq, nor replay what happened before it was subscribed
          // (the first time too: the page's list may have loaded before): reload what it may have missed.
          handlers.current.onReconnected();
        }
      },
      // The admin stream never ends on its own: a normal close is a server restart.
      reconnectAfterNormalClose: () => true,
    });
    stream.start();
    return () => stream.stop();
  }, []);

  return state;
}
