// Toasts for the errors people can act on: rate limits, a full queue, an outage, a lost connection.
import { notifications } from "@mantine/notifications";
import { ApiError, PROBLEM_QUEUE_FULL } from "@/lib/problem";

export function retryText(seconds: number | null): string {
  if (seconds === null) return "Please try again in a moment.";
  if (seconds <= 1) return "Please try again in a second.";
  if (seconds < 120) return `Please try again in ${seconds} seconds.`;
  return `Please try again in ${Math.ceil(seconds / 60)} minutes.`;
}

export interface RetryLater {
  /** The toast's id: one toast per kind, however many requests were refused. */
  id: string;
  title: string;
  /** What happened and when to try again, as a sentence. */
  message: string;
}

/** For a refusal that goes away with time (429, 503): what to tell people, else null. */
export function retryLater(error: ApiError): RetryLater | null {
  const when = retryText(error.retryAfterS);
  if (error.status === 429) {
    return {
      id: "rate-limited",
      title: "Too many requests",
      message: `${error.detail ?? "You have reached a limit."} ${when}`,
    };
  }
  if (error.status !== 503) return null;
  // Only the API's own problem says the queue is full; a 503 from a proxy (the backend is down or
  // restarting) is a plain outage, and its body is not for people.
  if (error.type === PROBLEM_QUEUE_FULL) {
    return {
      id: "queue-full",
      title: "The queue is full",
      message: `${error.detail ?? "Too many operations are waiting."} ${when}`,
    };
  }
  return { id: "unavailable", title: "Service unavailable", message: `The service is unavailable. ${when}` };
}

/** Shows a toast for errors worth one; returns whether it did. */
export function notifyApiError(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.kind === "network") {
    notifications.show({
      id: "network-error",
      color: "red",
      title: "Connection problem",
      message: error.userMessage,
    });
    return true;
  }
  const later = retryLater(error);
  if (!later) return false;
  notifications.show({ ...later, color: "yellow" });
  return true;
}

export function notifyFailure(title: string, error: unknown): void {
  if (notifyApiError(error)) return;
  notifications.show({
    color: "red",
    title,
    message: error instanceof ApiError ? error.userMessage : "Something went wrong. Please try again.",
  });
}

export function notifySuccess(title: string, message?: string): void {
  notifications.show({ color: "green", title, message: message ?? "" });
}
