/*
 * The signed-in session: the access token, kept in memory and mirrored to sessionStorage.
 *
 * Why sessionStorage (and not localStorage or a cookie):
 * - memory alone would sign the user out on every reload, and a reload must resume a live operation;
 * - sessionStorage survives reloads of the tab but is dropped when the tab (or browser) closes, and is
 *   not shared with other tabs, so a forgotten tab on a shared machine does not leave a long-lived
 *   credential behind the way localStorage would;
 * - the API authenticates with a bearer header (REST) and a first WebSocket message, not cookies, so
 *   there is no CSRF surface; the cost is that script injected into the page could read the token,
 *   which the short token lifetime (expires_in) and the app's no-inline-HTML rendering keep small.
 * The token is never written anywhere else (no URL, no log) and is cleared on sign-out and on any 401.
 *
 * The session also ends by itself when the token expires, by a timer, even in a tab nobody uses: the
 * guards then send the user to the login page (and back afterwards) instead of leaving a page that
 * looks signed in until its next request fails.
 */
import { useSyncExternalStore } from "react";

const STORAGE_KEY = "underway.session";

export interface Session {
  token: string;
  /** Epoch milliseconds after which the token is no longer valid. */
  expiresAt: number;
}

export type SignOutReason = "signed-out" | "expired";

let current: Session | null = null;
let lastReason: SignOutReason | null = null;
let expiryTimer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();
/** setTimeout's longest delay (about 24.8 days); a longer session is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.token !== "string" || typeof parsed.expiresAt !== "number") return null;
    if (parsed.expiresAt <= Date.now()) return null;
    return { token: parsed.token, expiresAt: parsed.expiresAt };
  } catch {
    return null;
  }
}

function emit() {
  for (const listener of listeners) listener();
}

function scheduleExpiry(): void {
  if (expiryTimer !== null) clearTimeout(expiryTimer);
  expiryTimer = null;
  if (!current) return;
  const delay = Math.min(MAX_TIMER_MS, Math.max(0, current.expiresAt - Date.now()));
  // getSession() expires the session once its time has come, or re-arms the timer if it has not.
  expiryTimer = setTimeout(() => {
    expiryTimer = null;
    if (getSession()) scheduleExpiry();
  }, delay);
}

function setCurrent(session: Session | null): void {
  current = session;
  scheduleExpiry();
}

setCurrent(load());

export function getSession(): Session | null {
  if (current && current.expiresAt <= Date.now()) {
    expireSession();
  }
  return current;
}

export function getToken(): string | null {
  return getSession()?.token ?? null;
}

export function startSession(token: string, expiresInS: number): void {
  setCurrent({ token, expiresAt: Date.now() + expiresInS * 1000 });
  lastReason = null;
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(current));
  } catch {
    // Storage may be unavailable (private mode quotas): the session then lives in memory only.
  }
  emit();
}

function clear(reason: SignOutReason) {
  const had = current !== null;
  setCurrent(null);
  lastReason = reason;
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // ignore
  }
  if (had) emit();
}

/** The user chose to sign out. */
export function endSession(): void {
  clear("signed-out");
}

/** The token is no longer valid: it expired, or the server said so (REST 401, WebSocket close 4401). */
export function expireSession(): void {
  if (current) clear("expired");
}

/** Why the last session ended, for the login page's notice. */
export function lastSignOutReason(): SignOutReason | null {
  return lastReason;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current token, re-rendering when the session starts or ends. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribeSession, () => current?.token ?? null);
}

/** For tests: reload the session from sessionStorage. */
export function resetSessionForTests(): void {
  setCurrent(load());
  lastReason = null;
  emit();
}
