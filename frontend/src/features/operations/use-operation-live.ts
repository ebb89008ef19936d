// Live view of one operation: REST history first, then the WebSocket from the last seen seq.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { expireSession, getToken } from "@/features/auth/session";
import { isTerminal } from "@/lib/api-types";
import { type ConnectionState, StreamConnection } from "@/lib/stream-connection";
import { wsUrl } from "@/lib/ws-url";
import { fetchEventsAfter, operationKeys, operationQuery } from "./api";
import {
  initialLiveState,
  isFinished,
  type LiveAction,
  type LiveState,
  liveReducer,
} from "./progress-reducer";
import { parseServerMessage } from "./ws-messages";

export interface LiveConnection {
  state: ConnectionState;
  closeCode: number | null;
}

export function useOperationLive(id: string) {
  const queryClient = useQueryClient();
  const opQuery = useQuery(operationQuery(id));
  // The ref is the source of truth so that the stream's resume point is current between renders.
  const stateRef = useRef<LiveState>(initialLiveState);
  const [live, setLive] = useState<LiveState>(initialLiveState);
  const [connection, setConnection] = useState<LiveConnection>({ state: "connecting", closeCode: null });

  const apply = useCallback((action: LiveAction) => {
    stateRef.current = liveReducer(stateRef.current, action);
    setLive(stateRef.current);
  }, []);

  // Every REST view of the operation (first load, cancel response, final refetch) is a snapshot.
  useEffect(() => {
    if (opQuery.data && opQuery.data.id === id) apply({ type: "snapshot", operation: opQuery.data });
  }, [opQuery.data, id, apply]);

  useEffect(() => {
    apply({ type: "reset" });
    const cached = queryClient.getQueryData(operationQuery(id).queryKey);
    if (cached) apply({ type: "snapshot", operation: cached });
    const abort = new AbortController();
    let stream: StreamConnection | null = null;

    const run = async () => {
      try {
        apply({ type: "events", events: await fetchEventsAfter(id, 0, abort.signal), source: "history" });
      } catch {
        if (abort.signal.aborted) return;
        // The stream below replays what is missing from the snapshot; nothing more to do here.
      }
      if (abort.signal.aborted) return;
      stream = new StreamConnection({
        url: () =>
          wsUrl(`/api/v1/operations/${encodeURIComponent(id)}/stream`, {
            after_seq: stateRef.current.lastSeq,
          }),
        token: getToken,
        onMessage: (raw) => {
          const message = parseServerMessage(raw);
          if (!message) return;
          if (message.type === "snapshot") apply({ type: "snapshot", operation: message.operation });
          else apply({ type: "events", events: [message.event], source: "stream" });
        },
        onState: (state, detail) => setConnection({ state, closeCode: detail?.code ?? null }),
        onUnauthorized: expireSession,
        // The server closes normally after the terminal event; anything earlier is a cut to resume.
        reconnectAfterNormalClose: () => !isFinished(stateRef.current),
      });
      stream.start();
    };
    void run();
    return () => {
      abort.abort();
      stream?.stop();
    };
  }, [id, apply, queryClient]);

  // Events do not carry the result or artifacts: fetch the final operation once it has finished.
  const finished = isFinished(live);
  const restStatus = opQuery.data?.status;
  useEffect(() => {
    if (finished && restStatus && !isTerminal(restStatus)) {
      void queryClient.invalidateQueries({ queryKey: operationKeys.detail(id) });
    }
  }, [finished, restStatus, id, queryClient]);

  return { live, connection, query: opQuery };
}
