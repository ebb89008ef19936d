/*
 * Reads a workflow's `params_schema` (the JSON Schema of a pydantic model) into form field specs.
 * Understood: $ref/$defs enums, anyOf/type-array nullables, enum/const, arrays of enums (multi-select),
 * arrays of strings (tags), booleans, bounded numbers, strings with length/pattern/format date or
 * date-time, text strings with a contentMediaType (loadable from a file), lists of objects.
 * Anything else falls back to a JSON text field so that no workflow is unusable.
 */

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  readOnly?: boolean;
  examples?: unknown[];
  contentMediaType?: string;
}

export type FieldKind =
  | "select"
  | "multiselect"
  | "switch"
  | "slider"
  | "number"
  | "text"
  | "textarea"
  | "date"
  | "datetime"
  | "tags"
  | "objectlist"
  | "json";

export type EnumValue = string | number | boolean;

export interface FieldOption {
  /** The option's value as a string (what Select and MultiSelect use). */
  value: string;
  label: string;
  raw: EnumValue;
}

export interface FieldSpec {
  name: string;
  label: string;
  description: string | null;
  kind: FieldKind;
  /** Listed in the model's `required`: the user must give a value (null is one if nullable). */
  required: boolean;
  nullable: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
  integer: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  step?: number;
  options?: FieldOption[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  /** From the schema's `examples`, shown as a placeholder. */
  placeholder?: string;
  /** For "objectlist": the fields of one item, and what one item is called ("Rule"). */
  itemFields?: FieldSpec[];
  itemLabel?: string;
  /** For "json" fields whose schema also allows a plain string: text that is not JSON is sent as is. */
  lenient?: boolean;
  /** For "textarea" fields whose schema names a text media type (`contentMediaType`): a file of that
   *  type may be loaded into the field. */
  mediaType?: string;
}

/** Integer ranges up to this wide get a slider; wider ones a number input. */
export const SLIDER_MAX_RANGE = 100;
/** Strings allowed to be longer than this get a textarea. */
export const TEXTAREA_MIN_LENGTH = 200;

export function resolveRef(root: JsonSchema, schema: JsonSchema, depth = 0): JsonSchema {
  if (!schema.$ref || depth > 20) return schema;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(schema.$ref);
  const target = match
    ? root[match[1] as "$defs" | "definitions"]?.[decodeURIComponent(match[2] ?? "")]
    : undefined;
  if (!target) return schema;
  // Siblings of $ref (default, description, title) win over the target's own.
  const { $ref: _ref, ...siblings } = schema;
  return { ...resolveRef(root, target, depth + 1), ...siblings };
}

/** Resolves $ref and single-member allOf, and splits off "or null". */
export function normalize(root: JsonSchema, input: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  let schema = resolveRef(root, input);
  if (schema.allOf && schema.allOf.length === 1 && schema.allOf[0]) {
    const { allOf, ...rest } = schema;
    schema = { ...resolveRef(root, allOf[0] as JsonSchema), ...rest };
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union) {
    const nonNull = union.filter((s) => s.type !== "null");
    const nullable = nonNull.length < union.length;
    if (nonNull.length === 1 && nonNull[0]) {
      const { anyOf: _a, oneOf: _o, ...outer } = schema;
      const inner = normalize(root, nonNull[0]);
      return { schema: { ...inner.schema, ...outer }, nullable: nullable || inner.nullable };
    }
    // Several literal alternatives (Literal["a"] | Literal["b"]) make one enum.
    const consts = nonNull.map((s) => resolveRef(root, s));
    if (consts.length > 0 && consts.every((s) => s.const !== undefined || s.enum !== undefined)) {
      const values = consts.flatMap((s) => (s.enum !== undefined ? s.enum : [s.const]));
      const { anyOf: _a, oneOf: _o, ...outer } = schema;
      return { schema: { ...outer, enum: values }, nullable };
    }
    return { schema, nullable };
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== "null");
    const nullable = types.length < schema.type.length;
    return { schema: { ...schema, type: types.length === 1 ? types[0] : types }, nullable };
  }
  return { schema, nullable: false };
}

function enumOf(schema: JsonSchema): EnumValue[] | null {
  const values = schema.enum ?? (schema.const !== undefined ? [schema.const] : null);
  if (!values) return null;
  const usable = values.filter(
    (v): v is EnumValue => typeof v === "string" || typeof v === "number" || typeof v === "boolean",
  );
  return usable.length > 0 ? usable : null;
}

const SPECIAL_LABELS: Record<string, string> = { "\t": "Tab", " ": "Space", "": "(empty)" };

function toOptions(values: EnumValue[]): FieldOption[] {
  return values.map((raw) => ({
    value: String(raw),
    label: SPECIAL_LABELS[String(raw)] ?? String(raw),
    raw,
  }));
}

function placeholderOf(examples: unknown[] | undefined): string | undefined {
  if (!examples || examples.length === 0) return undefined;
  const first = examples[0];
  if (typeof first === "string") return `e.g. ${first}`;
  return `e.g. ${JSON.stringify(first)}`;
}

/** Arrow-key step for decimals: a hundredth of small ranges, else whole units. */
function decimalStep(min: number | undefined, max: number | undefined): number | undefined {
  if (min === undefined || max === undefined) return undefined;
  const range = max - min;
  if (range <= 1) return 0.01;
  if (range <= 10) return 0.1;
  return undefined;
}

export function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldFromSchema(
  root: JsonSchema,
  name: string,
  property: JsonSchema,
  required: boolean,
  nested = false,
): FieldSpec {
  const { schema, nullable } = normalize(root, property);
  const hasDefault = Object.hasOwn(property, "default") || Object.hasOwn(schema, "default");
  const base: FieldSpec = {
    name,
    label: schema.title ?? property.title ?? humanize(name),
    description: schema.description ?? property.description ?? null,
    kind: "json",
    required,
    nullable,
    hasDefault,
    defaultValue: property.default ?? schema.default,
    integer: false,
    placeholder: placeholderOf(schema.examples ?? property.examples),
  };

  const values = enumOf(schema);
  if (values) return { ...base, kind: "select", options: toOptions(values) };

  const type = Array.isArray(schema.type) ? undefined : schema.type;
  switch (type) {
    case "boolean":
      return { ...base, kind: "switch" };
    case "integer":
    case "number": {
      const integer = type === "integer";
      const bounds = {
        minimum: schema.minimum,
        maximum: schema.maximum,
        exclusiveMinimum: schema.exclusiveMinimum,
        exclusiveMaximum: schema.exclusiveMaximum,
      };
      const step = schema.multipleOf ?? (integer ? 1 : decimalStep(schema.minimum, schema.maximum));
      // A slider always holds a value, so a required field without a default gets a number input
      // (an empty one) instead: the user must choose rather than accept the minimum unknowingly.
      const slider =
        integer &&
        !nullable &&
        (hasDefault || !required) &&
        schema.minimum !== undefined &&
        schema.maximum !== undefined &&
        schema.maximum - schema.minimum <= SLIDER_MAX_RANGE;
      return { ...base, ...bounds, integer, step, kind: slider ? "slider" : "number" };
    }
    case "string": {
      const text = {
        minLength: schema.minLength,
        maxLength: schema.maxLength,
        pattern: schema.pattern,
      };
      if (schema.format === "date") return { ...base, ...text, kind: "date" };
      if (schema.format === "date-time") return { ...base, ...text, kind: "datetime" };
      const mediaType = schema.contentMediaType ?? property.contentMediaType;
      if (mediaType?.startsWith("text/")) return { ...base, ...text, kind: "textarea", mediaType };
      const long = schema.maxLength !== undefined && schema.maxLength > TEXTAREA_MIN_LENGTH;
      return { ...base, ...text, kind: long ? "textarea" : "text" };
    }
    case "array": {
      const items = schema.items ? normalize(root, schema.items).schema : undefined;
      const itemValues = items ? enumOf(items) : null;
      const sizes = { minItems: schema.minItems, maxItems: schema.maxItems };
      if (itemValues) return { ...base, ...sizes, kind: "multiselect", options: toOptions(itemValues) };
      if (items?.type === "string") return { ...base, ...sizes, kind: "tags" };
      // A list of objects gets a repeatable group of fields (one level deep; deeper falls back to JSON).
      if (items?.properties && !nested) {
        return {
          ...base,
          ...sizes,
          kind: "objectlist",
          itemFields: objectFields(root, items, true),
          itemLabel: items.title ?? "Item",
        };
      }
      return { ...base, ...sizes };
    }
    default: {
      const union = schema.anyOf ?? schema.oneOf ?? [];
      const lenient = union.some((alt) => resolveRef(root, alt).type === "string");
      return lenient ? { ...base, lenient } : base;
    }
  }
}

function objectFields(root: JsonSchema, object: JsonSchema, nested: boolean): FieldSpec[] {
  const resolved = resolveRef(root, object);
  const required = new Set(resolved.required ?? []);
  return Object.entries(resolved.properties ?? {})
    .filter(([, prop]) => !prop.readOnly)
    .map(([name, prop]) => fieldFromSchema(root, name, prop, required.has(name), nested));
}

/** The form's fields in the model's declaration order. */
export function fieldsFromSchema(root: JsonSchema): FieldSpec[] {
  return objectFields(root, root, false);
}
