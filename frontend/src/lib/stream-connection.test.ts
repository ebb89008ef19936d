import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StreamConnection } from "./stream-connection";

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  message(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const last = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket;

describe("StreamConnection", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  function connect(overrides: Partial<ConstructorParameters<typeof StreamConnection>[0]> = {}) {
    let seq = 0;
    const messages: unknown[] = [];
    const states: string[] = [];
    const onUnauthorized = vi.fn();
    const stream = new StreamConnection({
      url: () => `ws://x/stream?after_seq=${seq}`,
      token: () => "tok",
      onMessage: (m) => messages.push(m),
      onState: (s) => states.push(s),
      onUnauthorized,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      ...overrides,
    });
    stream.start();
    return { stream, messages, states, onUnauthorized, setSeq: (n: number) => (seq = n) };
  }

  it("authenticates first, then delivers messages", () => {
    const { messages, states } = connect();
    last().open();
    expect(last().sent).toEqual([JSON.stringify({ type: "auth", token: "tok" })]);
    last().message({ type: "snapshot" });
    expect(messages).toEqual([{ type: "snapshot" }]);
    expect(states).toEqual(["connecting", "open"]);
  });

  it("reconnects with backoff from the latest resume point after a cut", () => {
    const { states, setSeq } = connect();
    last().open();
    last().message({ type: "event" });
    setSeq(7);
    last().drop(1006);
    expect(states.at(-1)).toBe("reconnecting");
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(600);
    expect(FakeSocket.all).toHaveLength(2);
    expect(last().url).toBe("ws://x/stream?after_seq=7");
    // A second cut before any message waits longer (exponential backoff).
    last().drop(1006);
    vi.advanceTimersByTime(450);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(600);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it("stops on a normal close unless told the stream is unfinished", () => {
    let finished = true;
    const { states } = connect({ reconnectAfterNormalClose: () => !finished });
    last().open();
    last().drop(1000);
    expect(states.at(-1)).toBe("closed");
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);

    finished = false;
    connect({ reconnectAfterNormalClose: () => !finished });
    last().open();
    last().drop(1000);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it("reports 4401 as an expired session and 4404 as final, without reconnecting", () => {
    const { onUnauthorized, states } = connect();
    last().drop(4401);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(states.at(-1)).toBe("failed");
    const second = connect();
    last().drop(4404);
    expect(second.states.at(-1)).toBe("failed");
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("closes and stays closed when stopped", () => {
    const { stream } = connect();
    last().open();
    stream.stop();
    last().drop(1006);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});
