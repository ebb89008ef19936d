// A WebSocket the test drives: it opens, receives and drops only when told to, and records what is sent.
export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  /** Every socket created since the last reset, oldest first. */
  static all: FakeWebSocket[] = [];

  static reset(): void {
    FakeWebSocket.all = [];
  }

  static last(): FakeWebSocket {
    const socket = FakeWebSocket.all[FakeWebSocket.all.length - 1];
    if (!socket) throw new Error("no WebSocket was opened");
    return socket;
  }

  readyState = 0;
  sent: string[] = [];
  closedByClient = false;
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    // Like a dead connection, it does not report the close: the client must not wait for it.
    this.readyState = 3;
    this.closedByClient = true;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  message(data: unknown): void {
    this.onmessage?.({ data: JSON.stringify(data) });
  }

  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }

  get pings(): number {
    return this.sent.filter((m) => m === JSON.stringify({ type: "ping" })).length;
  }
}
