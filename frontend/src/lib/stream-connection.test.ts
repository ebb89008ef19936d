import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "@/test/fake-websocket";
import { StreamConnection } from "./stream-connection";

const last = () => FakeWebSocket.last();
const AUTH = JSON.stringify({ type: "auth", token: "tok" });
const PING = JSON.stringify({ type: "ping" });

describe("StreamConnection", () => {
  let stream: StreamConnection | null = null;

  beforeEach(() => {
    FakeWebSocket.reset();
    vi.useFakeTimers();
  });
  afterEach(() => {
    stream?.stop();
    stream = null;
    vi.useRealTimers();
  });

  function connect(overrides: Partial<ConstructorParameters<typeof StreamConnection>[0]> = {}) {
    let seq = 0;
    const messages: unknown[] = [];
    const states: string[] = [];
    const codes: (number | undefined)[] = [];
    const onUnauthorized = vi.fn();
    stream = new StreamConnection({
      url: () => `ws://x/stream?after_seq=${seq}`,
      token: () => "tok",
      onMessage: (m) => messages.push(m),
      onState: (s, detail) => {
        states.push(s);
        codes.push(detail?.code);
      },
      onUnauthorized,
      WebSocketImpl: FakeWebSocket as unknown as typeof WebSocket,
      ...overrides,
    });
    stream.start();
    return { stream, messages, states, codes, onUnauthorized, setSeq: (n: number) => (seq = n) };
  }

  it("authenticates first, pings once to learn the token was accepted, then delivers messages", () => {
    const { messages, states } = connect();
    last().open();
    expect(last().sent).toEqual([AUTH, PING]);
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
    expect(FakeWebSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(600);
    expect(FakeWebSocket.all).toHaveLength(2);
    expect(last().url).toBe("ws://x/stream?after_seq=7");
    // A second cut before any message waits longer (exponential backoff).
    last().drop(1006);
    vi.advanceTimersByTime(450);
    expect(FakeWebSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(600);
    expect(FakeWebSocket.all).toHaveLength(3);
  });

  it("pings after a silence and stays connected while the server answers", () => {
    connect({ pingAfterMs: 20_000, deadlineMs: 10_000 });
    last().open();
    last().message({ type: "snapshot" });
    const socket = last();
    expect(socket.pings).toBe(1);
    vi.advanceTimersByTime(19_999);
    expect(socket.pings).toBe(1);
    vi.advanceTimersByTime(1);
    expect(socket.pings).toBe(2);
    socket.message({ type: "pong" });
    // Messages keep the connection alive: no ping is needed while events flow.
    for (let i = 0; i < 5; i += 1) {
      vi.advanceTimersByTime(15_000);
      socket.message({ type: "event" });
    }
    expect(socket.pings).toBe(2);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it("treats a silent connection as dead: shows reconnecting and resumes from the last seq", () => {
    const { states, setSeq } = connect({ pingAfterMs: 20_000, deadlineMs: 10_000 });
    last().open();
    last().message({ type: "snapshot" });
    setSeq(12);
    const dead = last();
    vi.advanceTimersByTime(20_000); // ping
    vi.advanceTimersByTime(9_999);
    expect(states.at(-1)).toBe("open");
    vi.advanceTimersByTime(1); // no answer within the deadline
    expect(states.at(-1)).toBe("reconnecting");
    expect(dead.closedByClient).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.all).toHaveLength(2);
    expect(last().url).toBe("ws://x/stream?after_seq=12");
    // The abandoned socket's late events change nothing.
    dead.message({ type: "event" });
    dead.drop(1006);
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it("gives up on a connection attempt that never opens", () => {
    const { states } = connect({ pingAfterMs: 20_000, deadlineMs: 10_000 });
    vi.advanceTimersByTime(30_000);
    expect(states).toEqual(["connecting", "reconnecting"]);
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it("shows reconnecting as soon as the browser goes offline and reconnects when it is back", () => {
    const { states, setSeq } = connect();
    last().open();
    last().message({ type: "snapshot" });
    setSeq(3);
    window.dispatchEvent(new Event("offline"));
    expect(states.at(-1)).toBe("reconnecting");
    expect(last().closedByClient).toBe(true);
    // No attempts while offline, however long it lasts.
    vi.advanceTimersByTime(120_000);
    expect(FakeWebSocket.all).toHaveLength(1);
    window.dispatchEvent(new Event("online"));
    expect(FakeWebSocket.all).toHaveLength(2);
    expect(last().url).toBe("ws://x/stream?after_seq=3");
    last().open();
    last().message({ type: "snapshot" });
    expect(states.at(-1)).toBe("open");
  });

  it("skips the rest of the backoff when the network comes back", () => {
    connect({ initialDelayMs: 10_000, maxDelayMs: 10_000 });
    last().drop(1006);
    expect(FakeWebSocket.all).toHaveLength(1);
    window.dispatchEvent(new Event("online"));
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it("stops on a normal close unless told the stream is unfinished", () => {
    let finished = true;
    const first = connect({ reconnectAfterNormalClose: () => !finished });
    last().open();
    last().drop(1000);
    expect(first.states.at(-1)).toBe("closed");
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
    first.stream.stop();

    finished = false;
    connect({ reconnectAfterNormalClose: () => !finished });
    last().open();
    last().drop(1000);
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.all).toHaveLength(3);
  });

  it("reports 4401 as an expired session, without reconnecting", () => {
    const { onUnauthorized, states } = connect();
    last().drop(4401);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(states.at(-1)).toBe("failed");
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it.each([
    [1008, "a policy violation (bad after_seq)"],
    [1009, "a message too big"],
    [4403, "forbidden"],
    [4404, "not found"],
  ])("treats %i (%s) as final instead of retrying forever", (code) => {
    const { states, codes, onUnauthorized } = connect();
    last().open();
    last().drop(code);
    expect(states.at(-1)).toBe("failed");
    expect(codes.at(-1)).toBe(code);
    vi.advanceTimersByTime(10 * 60_000);
    window.dispatchEvent(new Event("online"));
    expect(FakeWebSocket.all).toHaveLength(1);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it("closes and stays closed when stopped", () => {
    const { stream } = connect();
    last().open();
    stream.stop();
    last().drop(1006);
    window.dispatchEvent(new Event("offline"));
    window.dispatchEvent(new Event("online"));
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });
});
