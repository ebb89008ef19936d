// Client-side validation from the schema: the same rules the server applies, with plain messages.
import { fromDateTimeLocal } from "@/lib/local-time";
import { errorKey } from "./paths";
import type { FieldSpec } from "./schema";
import { type FormRow, type FormValue, type FormValues, isEmpty } from "./values";

export type FieldErrors = Record<string, string>;

function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return null; // a Python-only construct: leave it to the server
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function isValidDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

export function validateField(spec: FieldSpec, value: FormValue | undefined): string | null {
  const emptyList = Array.isArray(value) && value.length === 0;
  // An empty list is a value: it only breaks minItems, and only when it will be sent (see toParamValue).
  const checkEmptyList = emptyList && spec.minItems !== undefined && (spec.required || spec.hasDefault);
  if (isEmpty(value) && !checkEmptyList) {
    if (spec.required && !spec.nullable && !spec.hasDefault && spec.kind !== "switch") {
      return "This field is required";
    }
    return null;
  }

  switch (spec.kind) {
    case "number":
    case "slider": {
      const n = typeof value === "number" ? value : Number(value);
      if (!Number.isFinite(n)) return "Enter a number";
      if (spec.integer && !Number.isInteger(n)) return "Enter a whole number";
      if (spec.minimum !== undefined && n < spec.minimum) return `Must be at least ${spec.minimum}`;
      if (spec.maximum !== undefined && n > spec.maximum) return `Must be at most ${spec.maximum}`;
      if (spec.exclusiveMinimum !== undefined && n <= spec.exclusiveMinimum) {
        return `Must be greater than ${spec.exclusiveMinimum}`;
      }
      if (spec.exclusiveMaximum !== undefined && n >= spec.exclusiveMaximum) {
        return `Must be less than ${spec.exclusiveMaximum}`;
      }
      return null;
    }
    case "datetime":
      return fromDateTimeLocal(String(value)) === null ? "Enter a valid date and time" : null;
    case "text":
    case "textarea":
    case "date": {
      const s = String(value);
      if (spec.kind === "date" && !isValidDate(s)) return "Enter a valid date (YYYY-MM-DD)";
      if (spec.minLength !== undefined && s.length < spec.minLength) {
        return `Must be at least ${plural(spec.minLength, "character", "characters")}`;
      }
      if (spec.maxLength !== undefined && s.length > spec.maxLength) {
        return `Must be at most ${plural(spec.maxLength, "character", "characters")}`;
      }
      if (spec.pattern) {
        const re = compilePattern(spec.pattern);
        if (re && !re.test(s)) return `Must match the format ${spec.pattern}`;
      }
      return null;
    }
    case "select":
      return spec.options?.some((o) => o.value === value) ? null : "Choose one of the options";
    case "multiselect":
    case "tags": {
      const list = Array.isArray(value) ? value : [];
      const noun = spec.kind === "tags" ? ["value", "values"] : ["option", "options"];
      if (spec.minItems !== undefined && list.length < spec.minItems) {
        return `${spec.kind === "tags" ? "Enter" : "Choose"} at least ${plural(spec.minItems, noun[0] ?? "", noun[1] ?? "")}`;
      }
      if (spec.maxItems !== undefined && list.length > spec.maxItems) {
        return `${spec.kind === "tags" ? "Enter" : "Choose"} at most ${plural(spec.maxItems, noun[0] ?? "", noun[1] ?? "")}`;
      }
      if (spec.kind === "multiselect" && list.some((v) => !spec.options?.some((o) => o.value === v))) {
        return "Choose from the listed options";
      }
      return null;
    }
    case "objectlist": {
      const count = Array.isArray(value) ? value.length : 0;
      const item = (spec.itemLabel ?? "item").toLowerCase();
      if (spec.minItems !== undefined && count < spec.minItems) {
        return `Add at least ${plural(spec.minItems, item, `${item}s`)}`;
      }
      if (spec.maxItems !== undefined && count > spec.maxItems) {
        return `Add at most ${plural(spec.maxItems, item, `${item}s`)}`;
      }
      return null;
    }
    case "json":
      if (spec.lenient) return null;
      try {
        JSON.parse(String(value));
        return null;
      } catch {
        return "Enter valid JSON";
      }
    default:
      return null;
  }
}

/** Errors of the items of an object list, keyed "list.index.field". */
export function validateRows(spec: FieldSpec, value: FormValue | undefined): FieldErrors {
  const errors: FieldErrors = {};
  const rows = Array.isArray(value) ? (value as FormRow[]) : [];
  rows.forEach((row, index) => {
    for (const field of spec.itemFields ?? []) {
      const error = validateField(field, row[field.name]);
      if (error) errors[errorKey(spec.name, index, field.name)] = error;
    }
  });
  return errors;
}

/** Every error of the form, in field order (the first key is the field to focus). */
export function validateValues(specs: readonly FieldSpec[], values: FormValues): FieldErrors {
  const errors: FieldErrors = {};
  for (const spec of specs) {
    const error = validateField(spec, values[spec.name]);
    if (error) errors[spec.name] = error;
    if (spec.kind === "objectlist") Object.assign(errors, validateRows(spec, values[spec.name]));
  }
  return errors;
}
