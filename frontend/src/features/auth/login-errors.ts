import { ApiError } from "@/lib/problem";

/** What the login form says for a failed sign-in. */
export function loginErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return "Sign-in failed. Please try again.";
  if (error.kind === "network") return error.userMessage;
  switch (error.status) {
    case 401:
      return "Incorrect username or password.";
    case 403:
      return error.detail ?? "This account is disabled. Contact an administrator.";
    case 429:
      return "Too many sign-in attempts.";
    case 422:
      return "Enter your username and password.";
    default:
      return error.status >= 500
        ? "The server could not sign you in right now. Please try again."
        : error.userMessage;
  }
}
