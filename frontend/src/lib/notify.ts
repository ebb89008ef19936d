// Toasts for the errors people can act on: rate limits, a full queue, a lost connection.
import { notifications } from "@mantine/notifications";
import { ApiError } from "@/lib/problem";

export function retryText(seconds: number | null): string {
  if (seconds === null) return "Please try again in a moment.";
  if (seconds <= 1) return "Please try again in a second.";
  if (seconds < 120) return `Please try again in ${seconds} seconds.`;
  return `Please try again in ${Math.ceil(seconds / 60)} minutes.`;
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
  if (error.status === 429) {
    notifications.show({
      id: "rate-limited",
      color: "yellow",
      title: "Too many requests",
      message: `${error.detail ?? "You have reached a limit."} ${retryText(error.retryAfterS)}`,
    });
    return true;
  }
  if (error.status === 503) {
    notifications.show({
      id: "queue-full",
      color: "yellow",
      title: "The queue is full",
      message: `${error.detail ?? "The service is busy."} ${retryText(error.retryAfterS)}`,
    });
    return true;
  }
  return false;
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
