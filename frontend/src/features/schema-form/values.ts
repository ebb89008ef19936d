// Form values <-> workflow params. Form values are what the inputs hold (strings for selects, "" for empty).
import { fromDateTimeLocal, toDateTimeLocal } from "@/lib/local-time";
import type { FieldSpec } from "./schema";

export type FormValue = string | number | boolean | string[] | null | FormRow[];
export interface FormRow {
  [name: string]: FormValue;
}
export type FormValues = FormRow;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A new, empty item of an object list. */
export function newRow(itemFields: readonly FieldSpec[]): FormRow {
  return initialValues(itemFields);
}

function defaultToForm(spec: FieldSpec): FormValue {
  return toFormValue(spec, spec.defaultValue);
}

/** A schema value (a default, or one item of a default list) as the input holds it. */
function toFormValue(spec: FieldSpec, d: unknown): FormValue {
  switch (spec.kind) {
    case "objectlist": {
      const items = spec.itemFields ?? [];
      return Array.isArray(d)
        ? d
            .filter(isRecord)
            .map((item) =>
              Object.fromEntries(
                items.map((f) => [
                  f.name,
                  item[f.name] === undefined ? defaultToForm(f) : toFormValue(f, item[f.name]),
                ]),
              ),
            )
        : [];
    }
    case "switch":
      return typeof d === "boolean" ? d : false;
    case "select":
      return d === null || d === undefined ? null : String(d);
    case "multiselect":
    case "tags":
      return Array.isArray(d) ? d.map(String) : [];
    case "slider":
      return typeof d === "number" ? d : (spec.minimum ?? spec.exclusiveMinimum ?? 0);
    case "number":
      return typeof d === "number" ? d : "";
    case "datetime":
      return typeof d === "string" ? toDateTimeLocal(d) : "";
    case "json":
      if (d === undefined || d === null) return "";
      if (spec.lenient && typeof d === "string") return d;
      return JSON.stringify(d, null, 2);
    default:
      return typeof d === "string" ? d : "";
  }
}

export function initialValues(specs: readonly FieldSpec[]): FormValues {
  return Object.fromEntries(specs.map((s) => [s.name, defaultToForm(s)]));
}

export function isEmpty(value: FormValue | undefined): boolean {
  return (
    value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)
  );
}

/** What to send for one field; `undefined` means leave it out (the server applies the default). */
export function toParamValue(spec: FieldSpec, value: FormValue | undefined): unknown {
  if (spec.kind === "objectlist") {
    const rows = Array.isArray(value) ? (value as FormRow[]) : [];
    if (rows.length === 0 && !spec.required) return undefined;
    return rows.map((row) => toParams(spec.itemFields ?? [], row));
  }
  if ((spec.kind === "multiselect" || spec.kind === "tags") && Array.isArray(value) && value.length === 0) {
    // An optional list left empty is left to the server's default; a required one is sent as [].
    return spec.required ? [] : undefined;
  }
  const empty = spec.kind === "switch" ? value === null || value === undefined : isEmpty(value);
  if (empty) {
    if (spec.hasDefault) return undefined;
    return spec.nullable ? null : undefined;
  }
  switch (spec.kind) {
    case "select":
      return spec.options?.find((o) => o.value === value)?.raw ?? value;
    case "multiselect": {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return chosen.map((v) => spec.options?.find((o) => o.value === v)?.raw ?? v);
    }
    case "number":
    case "slider":
      return typeof value === "number" ? value : Number(value);
    case "datetime":
      return fromDateTimeLocal(String(value)) ?? value;
    case "json":
      return parseJsonValue(spec, String(value));
    default:
      return value;
  }
}

export function toParams(specs: readonly FieldSpec[], values: FormValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const spec of specs) {
    const v = toParamValue(spec, values[spec.name]);
    if (v !== undefined) params[spec.name] = v;
  }
  return params;
}

/** JSON text to a value; for lenient fields, text that is not JSON (a regex, a word) stays a string. */
export function parseJsonValue(spec: FieldSpec, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (spec.lenient) return text;
    throw error;
  }
}
