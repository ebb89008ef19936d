/*
 * One authenticated WebSocket to the API that notices a dead connection and reconnects with backoff.
 *
 * Protocol (docs/api.md, "WebSocket streams"): send {"type":"auth","token"} first, then only
 * {"type":"ping"}, which the server answers with {"type":"pong"}. Close codes:
 * - 1000: the server is done (no reconnect unless the owner says the stream is unfinished);
 * - 4401: the session expired (onUnauthorized); 4403 / 4404: not allowed / not found;
 * - 1008 / 1009: the server refused what this client sent; retrying as is cannot help;
 * all four are final. Anything else (1006 dropped, 1011 server error, 1012 restart) reconnects.
 *
 * Why application pings: a connection can die without a close frame (a laptop sleeps, a proxy or
 * Wi-Fi drops it), and a browser cannot send protocol pings or see the server's, so the socket would
 * look open for minutes. After `pingAfterMs` without a message the client pings; if nothing arrives
 * within `deadlineMs` the socket is abandoned and a new one resumes from the owner's resume point.
 * Right after the auth message it pings once too: the pong (or the snapshot) says the server
 * accepted the token, also on the admin stream, which is otherwise silent until something happens.
 */
import type { AuthMessage, PingMessage } from "@/client/ws";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed" | "failed";

export interface StreamOptions {
  /** Called at every (re)connect so the URL can carry the latest resume point. */
  url: () => string;
  token: () => string | null;
  onMessage: (message: unknown) => void;
  onState?: (state: ConnectionState, detail?: { code?: number; retryInMs?: number }) => void;
  onUnauthorized?: () => void;
  /** Decides whether a normal close (1000) should still reconnect (e.g. the terminal event was missed). */
  reconnectAfterNormalClose?: () => boolean;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Silence after which the client sends a ping. */
  pingAfterMs?: number;
  /** How long to wait for any message (after connecting, or after a ping) before reconnecting. */
  deadlineMs?: number;
  WebSocketImpl?: typeof WebSocket;
}

const CLOSE_NORMAL = 1000;
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_TOO_BIG = 1009;
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NOT_FOUND = 4404;
/** Reported (never received) when the client gives up on a socket that went silent. */
const CLOSE_SILENT = 4000;

const FINAL_CODES: ReadonlySet<number> = new Set([
  CLOSE_POLICY_VIOLATION,
  CLOSE_TOO_BIG,
  CLOSE_FORBIDDEN,
  CLOSE_NOT_FOUND,
]);

const PING = JSON.stringify({ type: "ping" } satisfies PingMessage);

type Timer = ReturnType<typeof setTimeout>;

export class StreamConnection {
  private socket: WebSocket | null = null;
  /** Failed attempts since the last accepted connection (the backoff exponent). */
  private attempt = 0;
  private connectedBefore = false;
  /** Offline: no socket and no retry timer until the browser says the network is back. */
  private waitingForNetwork = false;
  private retryTimer: Timer | null = null;
  private pingTimer: Timer | null = null;
  private deadlineTimer: Timer | null = null;
  private stopped = false;
  private stateOpen = false;
  private readonly opts: Required<
    Pick<StreamOptions, "initialDelayMs" | "maxDelayMs" | "pingAfterMs" | "deadlineMs">
  > &
    StreamOptions;

  constructor(options: StreamOptions) {
    this.opts = {
      initialDelayMs: 500,
      maxDelayMs: 15_000,
      pingAfterMs: 20_000,
      deadlineMs: 10_000,
      ...options,
    };
  }

  start(): void {
    this.stopped = false;
    window.addEventListener("online", this.handleOnline);
    window.addEventListener("offline", this.handleOffline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.handleOnline);
    window.removeEventListener("offline", this.handleOffline);
    this.clearRetry();
    this.abandonSocket();
  }

  private readonly handleOnline = () => {
    // The network is back: skip the rest of the backoff wait (or the wait for the network).
    if (this.stopped || this.socket || (this.retryTimer === null && !this.waitingForNetwork)) return;
    this.waitingForNetwork = false;
    this.clearRetry();
    this.connect();
  };

  private readonly handleOffline = () => {
    // The socket may still look open for a long while; say so now and wait for `online`.
    if (this.stopped || (!this.socket && this.retryTimer === null)) return;
    this.clearRetry();
    this.abandonSocket();
    this.waitingForNetwork = true;
    this.opts.onState?.("reconnecting");
  };

  private connect(): void {
    if (this.stopped) return;
    const token = this.opts.token();
    if (!token) {
      this.opts.onUnauthorized?.();
      this.opts.onState?.("failed", { code: CLOSE_UNAUTHORIZED });
      return;
    }
    this.opts.onState?.(this.connectedBefore ? "reconnecting" : "connecting");
    this.connectedBefore = true;
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    const socket = new Impl(this.opts.url());
    this.socket = socket;
    // Opening counts against the deadline too: a connection attempt that hangs is retried.
    this.armDeadline(socket, this.opts.deadlineMs + this.opts.pingAfterMs);
    socket.onopen = () => {
      if (this.socket !== socket) return;
      socket.send(JSON.stringify({ type: "auth", token } satisfies AuthMessage));
      this.ping(socket);
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (this.socket !== socket) return;
      this.heardFrom(socket);
      if (!this.stateOpen) {
        // The first message means the server accepted the token: the backoff starts over.
        this.stateOpen = true;
        this.attempt = 0;
        this.opts.onState?.("open");
      }
      let data: unknown;
      try {
        data = JSON.parse(String(ev.data));
      } catch {
        return; // not ours to show
      }
      this.opts.onMessage(data);
    };
    socket.onclose = (ev: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stateOpen = false;
      this.clearHeartbeat();
      this.handleClose(ev.code);
    };
    // Errors are followed by a close event, which decides what happens next.
    socket.onerror = () => {};
  }

  /** Any message proves the connection alive: ping again only after the next silence. */
  private heardFrom(socket: WebSocket): void {
    this.clearHeartbeat();
    this.pingTimer = setTimeout(() => {
      this.pingTimer = null;
      this.ping(socket);
    }, this.opts.pingAfterMs);
  }

  private ping(socket: WebSocket): void {
    if (this.socket !== socket) return;
    socket.send(PING);
    this.armDeadline(socket, this.opts.deadlineMs);
  }

  private armDeadline(socket: WebSocket, ms: number): void {
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      if (this.socket !== socket) return;
      // Silent for too long: a dead connection. Its close event may take minutes, so do not wait.
      this.abandonSocket();
      this.handleClose(CLOSE_SILENT);
    }, ms);
  }

  private clearHeartbeat(): void {
    if (this.pingTimer !== null) clearTimeout(this.pingTimer);
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    this.pingTimer = null;
    this.deadlineTimer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Forget the current socket (its late events are ignored) and close it if it is still up. */
  private abandonSocket(): void {
    this.clearHeartbeat();
    this.stateOpen = false;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= 1) socket.close(CLOSE_NORMAL);
  }

  private handleClose(code: number): void {
    if (this.stopped) return;
    if (code === CLOSE_UNAUTHORIZED) {
      this.opts.onUnauthorized?.();
      this.opts.onState?.("failed", { code });
      return;
    }
    if (FINAL_CODES.has(code)) {
      this.opts.onState?.("failed", { code });
      return;
    }
    if (code === CLOSE_NORMAL && !(this.opts.reconnectAfterNormalClose?.() ?? false)) {
      this.opts.onState?.("closed", { code });
      return;
    }
    const base = Math.min(this.opts.maxDelayMs, this.opts.initialDelayMs * 2 ** this.attempt);
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.attempt += 1;
    this.opts.onState?.("reconnecting", { code, retryInMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
