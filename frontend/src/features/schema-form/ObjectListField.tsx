// A list of objects (e.g. validation rules): one group of fields per item, with add and remove buttons.
import { Button, Fieldset, Group, Paper, Stack, Text } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { errorKey } from "./paths";
import { SchemaField } from "./SchemaField";
import type { FieldSpec } from "./schema";
import type { FieldErrors } from "./validate";
import { type FormRow, type FormValue, newRow } from "./values";

interface Props {
  id: string;
  spec: FieldSpec;
  value: FormValue | undefined;
  error: string | undefined;
  errors: FieldErrors;
  onChange: (value: FormValue) => void;
}

export function ObjectListField({ id, spec, value, error, errors, onChange }: Props) {
  const rows = Array.isArray(value) ? (value as FormRow[]) : [];
  const itemFields = spec.itemFields ?? [];
  const item = (spec.itemLabel ?? "Item").toLowerCase();
  const canAdd = spec.maxItems === undefined || rows.length < spec.maxItems;

  const setRow = (index: number, name: string, v: FormValue) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, [name]: v } : row)));

  return (
    <Fieldset legend={spec.label} id={id} tabIndex={-1} aria-describedby={error ? `${id}-error` : undefined}>
      <Stack gap="sm">
        {spec.description && (
          <Text size="sm" c="dimmed">
            {spec.description}
          </Text>
        )}
        {rows.map((row, index) => (
          <Paper
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
            key={index}
            withBorder
            p="sm"
            radius="sm"
            component="section"
            aria-label={`${spec.itemLabel ?? "Item"} ${index + 1}`}
          >
            <Group justify="space-between" mb="xs">
              <Text size="sm" fw={600}>
                {spec.itemLabel ?? "Item"} {index + 1}
              </Text>
              <Button
                size="xs"
                variant="subtle"
                color="red"
                leftSection={<IconTrash size={14} aria-hidden />}
                onClick={() => onChange(rows.filter((_, i) => i !== index))}
                aria-label={`Remove ${item} ${index + 1}`}
              >
                Remove
              </Button>
            </Group>
            <Stack gap="sm">
              {itemFields.map((f) => (
                <SchemaField
                  key={f.name}
                  id={`${id}_${index}_${f.name}`}
                  spec={f}
                  value={row[f.name]}
                  error={errors[errorKey(spec.name, index, f.name)]}
                  onChange={(v) => setRow(index, f.name, v)}
                />
              ))}
            </Stack>
          </Paper>
        ))}
        {error && (
          <Text size="sm" c="red" id={`${id}-error`} role="alert">
            {error}
          </Text>
        )}
        <Group>
          <Button
            variant="light"
            size="xs"
            leftSection={<IconPlus size={14} aria-hidden />}
            onClick={() => onChange([...rows, newRow(itemFields)])}
            disabled={!canAdd}
          >
            Add {item}
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}
