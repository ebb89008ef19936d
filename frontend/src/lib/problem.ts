// Errors from the API, normalised: RFC 9457 problem+json bodies, network failures and anything else.

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export type ApiErrorKind = "http" | "network";

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number;
  /** The problem's `type` (`urn:underway:problem:...`), or null when the body was not a problem. */
  readonly type: string | null;
  readonly title: string;
  readonly detail: string | null;
  readonly fieldErrors: FieldError[];
  /** Seconds from a `Retry-After` header (429, 503), if any. */
  readonly retryAfterS: number | null;
  /** The problem document as received (extension members such as `checks`). */
  readonly problem: Record<string, unknown> | null;

  constructor(init: {
    kind: ApiErrorKind;
    status: number;
    type?: string | null;
    title: string;
    detail?: string | null;
    fieldErrors?: FieldError[];
    retryAfterS?: number | null;
    problem?: Record<string, unknown> | null;
  }) {
    super(init.detail ?? init.title);
    this.name = "ApiError";
    this.kind = init.kind;
    this.status = init.status;
    this.type = init.type ?? null;
    this.title = init.title;
    this.detail = init.detail ?? null;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterS = init.retryAfterS ?? null;
    this.problem = init.problem ?? null;
  }

  /** A sentence for people: never raw JSON or a stack trace. */
  get userMessage(): string {
    if (this.kind === "network") return "Cannot reach the server. Check your connection and try again.";
    return this.detail || this.title;
  }
}

const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Not signed in",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  422: "Invalid input",
  429: "Too many requests",
  500: "Server error",
  502: "Server unavailable",
  503: "Service unavailable",
  504: "Server timeout",
};

export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((e) => ({
    loc: Array.isArray(e.loc) ? e.loc.filter((p) => typeof p === "string" || typeof p === "number") : [],
    msg: typeof e.msg === "string" ? e.msg : "Invalid value",
    type: typeof e.type === "string" ? e.type : "value_error",
  }));
}

/** Builds an ApiError from what the generated client hands its error interceptor. */
export function toApiError(body: unknown, response: Response | undefined): ApiError {
  if (body instanceof ApiError) return body;
  if (!response) {
    return new ApiError({ kind: "network", status: 0, title: "Network error" });
  }
  const status = response.status;
  let retryAfterS = parseRetryAfter(response.headers.get("Retry-After"));
  const fallbackTitle = STATUS_TITLES[status] ?? (status >= 500 ? "Server error" : "Request failed");
  if (isRecord(body)) {
    // The body repeats Retry-After, for clients that cannot read the header (cross-origin).
    if (retryAfterS === null && typeof body.retry_after === "number")
      retryAfterS = Math.max(0, body.retry_after);
    const type = typeof body.type === "string" ? body.type : null;
    const title = typeof body.title === "string" ? body.title : fallbackTitle;
    // FastAPI's default 422 puts the field errors in `detail` (a list) instead of `errors`.
    const detail = typeof body.detail === "string" ? body.detail : null;
    const fieldErrors = toFieldErrors(body.errors ?? (Array.isArray(body.detail) ? body.detail : undefined));
    return new ApiError({
      kind: "http",
      status,
      type,
      title,
      detail,
      fieldErrors,
      retryAfterS,
      problem: body,
    });
  }
  // Plain-text or HTML bodies (a proxy's error page) are not shown to people.
  return new ApiError({ kind: "http", status, title: fallbackTitle, retryAfterS });
}

/** Problem types the app treats specially (backend/src/underway/problems.py). */
export const PROBLEM_QUEUE_FULL = "urn:underway:problem:queue-full";

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}
