import "@testing-library/jest-dom/vitest";
import { notifications } from "@mantine/notifications";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, vi } from "vitest";
import { FakeWebSocket } from "./fake-websocket";

// findBy*/waitFor wait up to 5 s (1 s by default): a page that lazily loads the chart chunk keeps the
// module transformer busy for about 2 s on this 2-core machine, delaying the next lazy page too.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  // Toasts live in a module-level store: one test's must not show up in the next.
  notifications.clean();
  notifications.cleanQueue();
  FakeWebSocket.reset();
  sessionStorage.clear();
  localStorage.clear();
});

// jsdom lacks these browser APIs that Mantine uses.
Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: vi.fn().mockImplementation((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: vi.fn(),
    removeListener: vi.fn(),
    addEventListener: vi.fn(),
    removeEventListener: vi.fn(),
    dispatchEvent: vi.fn(),
  })),
});

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = ResizeObserverStub as unknown as typeof ResizeObserver;
window.HTMLElement.prototype.scrollIntoView = () => {};
const { getComputedStyle } = window;
window.getComputedStyle = (elt: Element) => getComputedStyle(elt);
if (!("fonts" in document)) {
  Object.defineProperty(document, "fonts", {
    value: { addEventListener: () => {}, removeEventListener: () => {}, ready: Promise.resolve() },
  });
}

// WebSockets connect only when a test drives them (they never open by themselves).
vi.stubGlobal("WebSocket", FakeWebSocket);
