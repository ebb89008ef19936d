// Opening the API's WebSocket streams: URL, credentials, session expiry and message parsing in one place.
import { useEffect, useRef, useState } from "react";
import { expireSession, getToken } from "@/features/auth/session";
import { type ConnectionState, StreamConnection } from "@/lib/stream-connection";
import { wsUrl } from "@/lib/ws-url";
import { parseServerMessage, type ServerMessage } from "./ws-messages";

export interface LiveStreamOptions {
  /** The API path, e.g. `/api/v1/admin/stream`. */
  path: string;
  /** The resume point, read at every (re)connect; leave out for a stream that cannot resume. */
  afterSeq?: () => number;
  onMessage: (message: ServerMessage) => void;
  onState?: (state: ConnectionState, closeCode: number | null) => void;
  /** Whether a normal close (1000) still leaves the stream unfinished, so it must reconnect. */
  reconnectAfterNormalClose: () => boolean;
}

export interface LiveConnection {
  state: ConnectionState;
  closeCode: number | null;
}

export function operationStreamPath(id: string): string {
  return `/api/v1/operations/${encodeURIComponent(id)}/stream`;
}

/** Opens and starts a stream; the caller stops it. */
export function openLiveStream(options: LiveStreamOptions): StreamConnection {
  const { afterSeq } = options;
  const stream = new StreamConnection({
    url: () => wsUrl(options.path, afterSeq ? { after_seq: afterSeq() } : {}),
    token: getToken,
    onUnauthorized: expireSession,
    onMessage: (raw) => {
      const message = parseServerMessage(raw);
      if (message) options.onMessage(message);
    },
    onState: (state, detail) => options.onState?.(state, detail?.code ?? null),
    reconnectAfterNormalClose: options.reconnectAfterNormalClose,
  });
  stream.start();
  return stream;
}

/**
 * One stream while the component is mounted, re-opened when `path` changes; `null` opens none (yet).
 * The callbacks may change between renders: the stream always calls the latest ones.
 */
export function useLiveStream(options: LiveStreamOptions | null): LiveConnection {
  const [connection, setConnection] = useState<LiveConnection>({ state: "connecting", closeCode: null });
  const latest = useRef(options);
  latest.current = options;
  const path = options?.path ?? null;
  const resumable = options?.afterSeq !== undefined;

  useEffect(() => {
    if (path === null) return;
    const current = () => latest.current;
    const stream = openLiveStream({
      path,
      afterSeq: resumable ? () => current()?.afterSeq?.() ?? 0 : undefined,
      onMessage: (message) => current()?.onMessage(message),
      onState: (state, closeCode) => {
        setConnection({ state, closeCode });
        current()?.onState?.(state, closeCode);
      },
      reconnectAfterNormalClose: () => current()?.reconnectAfterNormalClose() ?? false,
    });
    return () => stream.stop();
  }, [path, resumable]);

  return connection;
}
