// One input for one schema field, chosen by FieldSpec.kind; every input has a visible label.
import {
  Group,
  Input,
  JsonInput,
  MultiSelect,
  NumberInput,
  Select,
  Slider,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { ObjectListField } from "./ObjectListField";
import type { FieldSpec } from "./schema";
import { TextFileLoader } from "./TextFileLoader";
import type { FieldErrors } from "./validate";
import type { FormValue } from "./values";

export interface SchemaFieldProps {
  /** The DOM id of the focusable input (used to focus the first invalid field). */
  id: string;
  spec: FieldSpec;
  value: FormValue | undefined;
  error: string | undefined;
  onChange: (value: FormValue) => void;
  onBlur?: () => void;
  /** Every error of the form, by path ("rules.0.column"), for fields with nested inputs. */
  errors?: FieldErrors;
}

function asStrings(value: FormValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function boundsHint(spec: FieldSpec): string | null {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = spec;
  if (minimum !== undefined && maximum !== undefined) return `Between ${minimum} and ${maximum}.`;
  const low =
    minimum !== undefined
      ? `at least ${minimum}`
      : exclusiveMinimum !== undefined
        ? `more than ${exclusiveMinimum}`
        : null;
  const high =
    maximum !== undefined
      ? `at most ${maximum}`
      : exclusiveMaximum !== undefined
        ? `less than ${exclusiveMaximum}`
        : null;
  const text = [low, high].filter(Boolean).join(" and ");
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}.` : null;
}

function describe(spec: FieldSpec, extra: string | null = null): string | undefined {
  const parts = [spec.description, extra].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : undefined;
}

export function SchemaField({ id, spec, value, error, onChange, onBlur, errors = {} }: SchemaFieldProps) {
  const mustFill = spec.required && !spec.nullable && !spec.hasDefault;
  const common = {
    id,
    name: spec.name,
    label: spec.label,
    error,
    // The asterisk comes from CSS (.required-mark) so that it is in neither the label's text nor its
    // accessible name: getByLabel("Month", { exact: true }) and getByRole(..., { name }) both work.
    labelProps: mustFill ? { className: "required-mark" } : undefined,
    "aria-required": mustFill || undefined,
    onBlur,
    placeholder: spec.placeholder,
  };

  switch (spec.kind) {
    case "objectlist":
      return (
        <ObjectListField
          id={id}
          spec={spec}
          value={value}
          error={error}
          errors={errors}
          onChange={onChange}
        />
      );
    case "select":
      return (
        <Select
          {...common}
          description={describe(spec)}
          data={spec.options ?? []}
          value={typeof value === "string" ? value : null}
          onChange={(v) => onChange(v)}
          clearable={spec.nullable || !spec.required}
          allowDeselect={spec.nullable || !spec.required}
          placeholder="Choose…"
        />
      );
    case "multiselect":
      return (
        <MultiSelect
          {...common}
          description={describe(spec)}
          data={spec.options ?? []}
          value={asStrings(value)}
          onChange={(v) => onChange(v)}
          clearable
          hidePickedOptions
          placeholder="Choose one or more…"
          maxValues={spec.maxItems}
        />
      );
    case "tags":
      return (
        <TagsInput
          {...common}
          description={describe(spec, "Press Enter after each value.")}
          value={asStrings(value)}
          onChange={(v) => onChange(v)}
          clearable
        />
      );
    case "switch": {
      // The description stays outside the <label> so that it is not part of the accessible name.
      const description = describe(spec);
      return (
        <Stack gap={2}>
          <Switch
            id={id}
            name={spec.name}
            label={spec.label}
            error={error}
            checked={value === true}
            onChange={(e) => onChange(e.currentTarget.checked)}
            onBlur={onBlur}
            aria-describedby={description ? `${id}-description` : undefined}
          />
          {description && (
            <Text size="xs" c="dimmed" id={`${id}-description`} pl={50}>
              {description}
            </Text>
          )}
        </Stack>
      );
    }
    case "slider": {
      const min = spec.minimum ?? 0;
      const max = spec.maximum ?? 100;
      const current = typeof value === "number" ? value : min;
      const wrapperId = `${id}-wrapper`;
      return (
        <Input.Wrapper
          id={wrapperId}
          label={spec.label}
          labelElement="div"
          description={describe(spec, `Between ${min} and ${max}.`)}
          error={error}
          labelProps={common.labelProps}
        >
          <Group gap="md" wrap="nowrap" mt={6} px="xs">
            <Slider
              flex={1}
              min={min}
              max={max}
              step={spec.step ?? 1}
              value={current}
              onChange={(v) => onChange(v)}
              thumbLabel={spec.label}
              name={spec.name}
              thumbProps={{
                id,
                onBlur,
                "aria-invalid": error ? true : undefined,
                "aria-describedby": [error ? `${wrapperId}-error` : null, `${wrapperId}-description`]
                  .filter(Boolean)
                  .join(" "),
              }}
              marks={[
                { value: min, label: String(min) },
                { value: max, label: String(max) },
              ]}
              mb="md"
            />
            <Text size="sm" fw={600} w={48} ta="right" aria-hidden>
              {current}
            </Text>
          </Group>
        </Input.Wrapper>
      );
    }
    case "number":
      return (
        <NumberInput
          {...common}
          description={describe(spec, boundsHint(spec))}
          value={typeof value === "number" || typeof value === "string" ? value : ""}
          onChange={(v) => onChange(v === "" ? "" : typeof v === "number" ? v : Number(v))}
          min={spec.minimum}
          max={spec.maximum}
          step={spec.step}
          allowDecimal={!spec.integer}
          allowNegative={(spec.minimum ?? spec.exclusiveMinimum ?? -1) < 0}
          clampBehavior="none"
          placeholder={spec.placeholder ?? (spec.nullable ? "Leave empty for none" : undefined)}
        />
      );
    case "date":
      return (
        <TextInput
          {...common}
          type="date"
          description={describe(spec)}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case "datetime":
      return (
        <TextInput
          {...common}
          type="datetime-local"
          description={describe(spec, "Your local time.")}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case "textarea": {
      const textarea = (
        <Textarea
          {...common}
          description={describe(spec, spec.maxLength ? `Up to ${spec.maxLength} characters.` : null)}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.currentTarget.value)}
          autosize
          minRows={3}
          maxRows={12}
        />
      );
      if (!spec.mediaType) return textarea;
      return (
        <div>
          {textarea}
          <TextFileLoader mediaType={spec.mediaType} maxLength={spec.maxLength} onLoad={onChange} />
        </div>
      );
    }
    case "json":
      if (spec.lenient) {
        return (
          <TextInput
            {...common}
            description={describe(spec, 'Text, a number, or a JSON list such as ["a", "b"].')}
            value={typeof value === "string" ? value : ""}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
        );
      }
      return (
        <JsonInput
          {...common}
          description={describe(spec, "JSON value.")}
          value={typeof value === "string" ? value : ""}
          onChange={(v) => onChange(v)}
          autosize
          minRows={3}
          formatOnBlur
          validationError="Enter valid JSON"
        />
      );
    default:
      return (
        <TextInput
          {...common}
          description={describe(spec)}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
}
