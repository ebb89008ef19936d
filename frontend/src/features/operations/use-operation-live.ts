// Live view of one operation: REST history first, then the WebSocket from the last seen seq.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { isTerminal } from "@/lib/api-types";
import { fetchEventsAfter, operationKeys, operationQuery } from "./api";
import { operationStreamPath, useLiveStream } from "./live-stream";
import {
  initialLiveState,
  isFinished,
  type LiveAction,
  type LiveState,
  liveReducer,
} from "./progress-reducer";
import type { ServerMessage } from "./ws-messages";

export function useOperationLive(id: string) {
  const queryClient = useQueryClient();
  const opQuery = useQuery(operationQuery(id));
  // The ref is the source of truth so that the stream's resume point is current between renders.
  const stateRef = useRef<LiveState>(initialLiveState);
  const [live, setLive] = useState<LiveState>(initialLiveState);
  // The operation whose REST history has been applied: its stream starts after that.
  const [historyOf, setHistoryOf] = useState<string | null>(null);

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
    fetchEventsAfter(id, 0, abort.signal)
      .then((events) => apply({ type: "events", events, source: "history" }))
      // Without the history the stream replays the log from the start; nothing more to do here.
      .catch(() => {})
      .finally(() => {
        if (!abort.signal.aborted) setHistoryOf(id);
      });
    return () => abort.abort();
  }, [id, apply, queryClient]);

  const connection = useLiveStream(
    historyOf === id
      ? {
          path: operationStreamPath(id),
          afterSeq: () => stateRef.current.lastSeq,
          onMessage: (message: ServerMessage) =>
            message.type === "snapshot"
              ? apply({ type: "snapshot", operation: message.operation })
              : apply({ type: "events", events: [message.event], source: "stream" }),
          // The server closes normally after the terminal event; anything earlier is a cut to resume.
          reconnectAfterNormalClose: () => !isFinished(stateRef.current),
        }
      : null,
  );

  // The reducer's buffer overflowed: fetch the log again from the gap and apply it.
  const resyncAfter = live.resyncAfter;
  const resync = useQuery({
    queryKey: operationKeys.eventsAfter(id, resyncAfter),
    queryFn: ({ signal }) => fetchEventsAfter(id, resyncAfter ?? 0, signal),
    enabled: resyncAfter !== null,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
  });
  useEffect(() => {
    if (resync.data) apply({ type: "events", events: resync.data, source: "resync" });
  }, [resync.data, apply]);

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
