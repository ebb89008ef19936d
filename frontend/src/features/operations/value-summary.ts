// Short, readable text for JSON values (a result, parameters): people see sentences, not JSON.
import { humanize } from "@/features/schema-form/schema";

/** List items or object fields spelled out before the rest is only counted. */
const MAX_PARTS = 5;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One line for a value. Nested lists and objects are summarised: the top level spells out its first
 * items ("a, b, c"), anything deeper is counted ("3 items", "4 fields").
 */
export function summarize(value: unknown, nested = false): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number" || typeof value === "string") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "None";
    if (nested) return count(value.length, "item", "items");
    const shown = value.slice(0, MAX_PARTS).map((item) => summarize(item, true));
    const rest = value.length > MAX_PARTS ? `, … (${value.length} items)` : "";
    return shown.join(", ") + rest;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "None";
    if (nested) return count(entries.length, "field", "fields");
    const shown = entries.slice(0, MAX_PARTS).map(([key, v]) => `${key}: ${summarize(v, true)}`);
    const rest = entries.length > MAX_PARTS ? `, … (${entries.length} fields)` : "";
    return shown.join(", ") + rest;
  }
  return String(value);
}

export interface ValueRow {
  key: string;
  label: string;
  text: string;
}

/** The rows of a key/value table for an object (labels: preferred names by key, e.g. schema titles). */
export function valueRows(
  value: Record<string, unknown>,
  labels: Readonly<Record<string, string>> = {},
): ValueRow[] {
  return Object.entries(value).map(([key, v]) => ({
    key,
    label: labels[key] ?? humanize(key),
    text: summarize(v),
  }));
}
