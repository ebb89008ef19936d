/*
 * One authenticated WebSocket to the API that reconnects with exponential backoff.
 * Protocol: send {"type":"auth","token"} first; close 1000 = the server is done (no reconnect unless the
 * owner asks for it), 4401 = session expired, 4403/4404 = not allowed / not found (final).
 */

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
  WebSocketImpl?: typeof WebSocket;
}

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NOT_FOUND = 4404;

export class StreamConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private stateOpen = false;
  private readonly opts: Required<Pick<StreamOptions, "initialDelayMs" | "maxDelayMs">> & StreamOptions;

  constructor(options: StreamOptions) {
    this.opts = { initialDelayMs: 500, maxDelayMs: 15_000, ...options };
  }

  start(): void {
    this.stopped = false;
    window.addEventListener("online", this.handleOnline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.handleOnline);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= 1) socket.close(1000);
  }

  private readonly handleOnline = () => {
    // The network is back: skip the rest of the backoff wait.
    if (this.timer && !this.stopped) {
      clearTimeout(this.timer);
      this.timer = null;
      this.connect();
    }
  };

  private connect(): void {
    if (this.stopped) return;
    const token = this.opts.token();
    if (!token) {
      this.opts.onUnauthorized?.();
      this.opts.onState?.("failed", { code: CLOSE_UNAUTHORIZED });
      return;
    }
    this.opts.onState?.(this.attempt === 0 ? "connecting" : "reconnecting");
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    const socket = new Impl(this.opts.url());
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "auth", token }));
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (this.socket !== socket) return;
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
      this.handleClose(ev.code);
    };
    // Errors are followed by a close event, which decides what happens next.
    socket.onerror = () => {};
  }

  private handleClose(code: number): void {
    if (this.stopped) return;
    if (code === CLOSE_UNAUTHORIZED) {
      this.opts.onUnauthorized?.();
      this.opts.onState?.("failed", { code });
      return;
    }
    if (code === CLOSE_FORBIDDEN || code === CLOSE_NOT_FOUND) {
      this.opts.onState?.("failed", { code });
      return;
    }
    if (code === 1000 && !(this.opts.reconnectAfterNormalClose?.() ?? false)) {
      this.opts.onState?.("closed", { code });
      return;
    }
    const base = Math.min(this.opts.maxDelayMs, this.opts.initialDelayMs * 2 ** this.attempt);
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.attempt += 1;
    this.opts.onState?.("reconnecting", { code, retryInMs: delay });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}
