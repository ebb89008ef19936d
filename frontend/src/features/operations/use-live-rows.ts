// Per-operation streams for the active rows of a table (the user-facing API has no "all my operations"
// stream). Streams are opened for at most MAX_STREAMS rows; each closes itself at the terminal event.
import { useEffect, useRef, useState } from "react";
import type { Operation } from "@/lib/api-types";
import { isTerminal } from "@/lib/api-types";
import type { StreamConnection } from "@/lib/stream-connection";
import { applyRowEvent, applyRowSnapshot, type LiveRows } from "./live-rows";
import { openLiveStream, operationStreamPath } from "./live-stream";

export const MAX_STREAMS = 20;

export function useLiveRows(operations: readonly Operation[], enabled = true): LiveRows {
  const [rows, setRows] = useState<LiveRows>(new Map());
  const streams = useRef(new Map<string, StreamConnection>());
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  const activeIds = enabled
    ? operations
        .filter((op) => !isTerminal(op.status))
        .slice(0, MAX_STREAMS)
        .map((op) => op.id)
    : [];
  const key = activeIds.join(",");

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the set of active ids
  useEffect(() => {
    const wanted = new Set(key ? key.split(",") : []);
    for (const [id, stream] of streams.current) {
      if (!wanted.has(id)) {
        stream.stop();
        streams.current.delete(id);
      }
    }
    for (const id of wanted) {
      if (streams.current.has(id)) continue;
      const listed = operations.find((o) => o.id === id);
      const stream = openLiveStream({
        path: operationStreamPath(id),
        afterSeq: () => rowsRef.current.get(id)?.seq ?? listed?.last_seq ?? 0,
        onMessage: (message) =>
          setRows((prev) =>
            message.type === "snapshot"
              ? applyRowSnapshot(prev, message.operation)
              : applyRowEvent(prev, message.event),
          ),
        reconnectAfterNormalClose: () => {
          const row = rowsRef.current.get(id);
          return row ? !isTerminal(row.status) : true;
        },
      });
      streams.current.set(id, stream);
    }
  }, [key]);

  useEffect(() => {
    const all = streams.current;
    return () => {
      for (const stream of all.values()) stream.stop();
      all.clear();
    };
  }, []);

  return rows;
}
