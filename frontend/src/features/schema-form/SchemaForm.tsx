import { Stack, Text } from "@mantine/core";
import { SchemaField } from "./SchemaField";
import type { FieldSpec } from "./schema";
import type { FieldErrors } from "./validate";
import type { FormValue, FormValues } from "./values";

/** The DOM id of a field's input, for focusing it. */
export function fieldDomId(idPrefix: string, name: string): string {
  return `${idPrefix}-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

interface Props {
  idPrefix: string;
  specs: readonly FieldSpec[];
  values: FormValues;
  errors: FieldErrors;
  onChange: (name: string, value: FormValue) => void;
  onBlur?: (name: string) => void;
}

/** The fields generated from a workflow's params schema (the form element and buttons are the caller's). */
export function SchemaForm({ idPrefix, specs, values, errors, onChange, onBlur }: Props) {
  if (specs.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        This workflow takes no parameters.
      </Text>
    );
  }
  return (
    <Stack gap="md">
      {specs.map((spec) => (
        <SchemaField
          key={spec.name}
          id={fieldDomId(idPrefix, spec.name)}
          spec={spec}
          value={values[spec.name]}
          error={errors[spec.name]}
          errors={errors}
          onChange={(v) => onChange(spec.name, v)}
          onBlur={onBlur ? () => onBlur(spec.name) : undefined}
        />
      ))}
    </Stack>
  );
}
