// Maps a 422 problem's `errors[].loc` onto the form: params fields, submission fields, or the form itself.
import type { FieldError } from "@/lib/problem";
import { errorKey } from "./paths";

export const SUBMISSION_FIELDS = ["priority", "timeout_s", "workflow", "metadata"] as const;
export type SubmissionField = (typeof SUBMISSION_FIELDS)[number];

export interface MappedErrors {
  params: Record<string, string>;
  submission: Partial<Record<SubmissionField, string>>;
  /** Errors that belong to no visible field. */
  general: string[];
}

function cleanMessage(msg: string): string {
  // pydantic prefixes custom validator messages with "Value error, ".
  const text = msg.replace(/^Value error, /, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function mapServerErrors(errors: readonly FieldError[], paramNames: readonly string[]): MappedErrors {
  const mapped: MappedErrors = { params: {}, submission: {}, general: [] };
  const known = new Set(paramNames);
  for (const error of errors) {
    const loc = error.loc[0] === "body" ? error.loc.slice(1) : [...error.loc];
    const [head] = loc;
    const msg = cleanMessage(error.msg);
    // Inside the params: ["params", "month"], or relative to them: ["month"]; list items add [index, field].
    const inParams = head === "params" ? loc.slice(1) : loc;
    const [name, index, field] = inParams;
    if (
      (head === "params" || (typeof head === "string" && known.has(head))) &&
      typeof name === "string" &&
      known.has(name)
    ) {
      const key =
        typeof index === "number" && typeof field === "string" ? errorKey(name, index, field) : name;
      mapped.params[key] ??= msg;
    } else if (typeof head === "string" && (SUBMISSION_FIELDS as readonly string[]).includes(head)) {
      mapped.submission[head as SubmissionField] ??= msg;
    } else {
      const where = loc.filter((p) => p !== "params").join(".");
      mapped.general.push(where ? `${where}: ${msg}` : msg);
    }
  }
  return mapped;
}
