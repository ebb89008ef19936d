import { Button, Group, MultiSelect, Select, SimpleGrid, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { workflowsQuery } from "@/features/workflows/api";
import { ALL_STATUSES, type OperationStatus } from "@/lib/api-types";
import { statusLabel } from "@/lib/format";
import { emptyFilters, type OperationFilters } from "./api";

interface Props {
  value: OperationFilters;
  onChange: (filters: OperationFilters) => void;
  withOwner?: boolean;
}

const STATUS_OPTIONS = ALL_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }));

export function OperationFiltersBar({ value, onChange, withOwner = false }: Props) {
  const workflows = useQuery(workflowsQuery);
  const [owner, setOwner] = useState(value.owner ?? "");

  // Owner is typed: apply it after a pause instead of on every key.
  useEffect(() => {
    const trimmed = owner.trim() || null;
    if (trimmed === (value.owner ?? null)) return;
    const timer = setTimeout(() => onChange({ ...value, owner: trimmed }), 400);
    return () => clearTimeout(timer);
  }, [owner, value, onChange]);

  const active =
    value.status.length > 0 || value.workflow || value.from || value.to || (withOwner && value.owner);

  return (
    <section aria-label="Filter operations">
      <SimpleGrid cols={{ base: 1, xs: 2, md: withOwner ? 5 : 4 }} spacing="sm" mb="md">
        <MultiSelect
          label="Status"
          data={STATUS_OPTIONS}
          value={value.status}
          onChange={(v) => onChange({ ...value, status: v as OperationStatus[] })}
          placeholder={value.status.length === 0 ? "Any status" : undefined}
          clearable
        />
        <Select
          label="Workflow"
          data={(workflows.data ?? []).map((w) => ({ value: w.name, label: w.title }))}
          value={value.workflow}
          onChange={(v) => onChange({ ...value, workflow: v })}
          placeholder="Any workflow"
          clearable
          searchable
        />
        <TextInput
          type="date"
          label="Created from"
          value={value.from ?? ""}
          max={value.to ?? undefined}
          onChange={(e) => onChange({ ...value, from: e.currentTarget.value || null })}
        />
        <TextInput
          type="date"
          label="Created until"
          value={value.to ?? ""}
          min={value.from ?? undefined}
          onChange={(e) => onChange({ ...value, to: e.currentTarget.value || null })}
        />
        {withOwner && (
          <TextInput
            label="Owner"
            value={owner}
            onChange={(e) => setOwner(e.currentTarget.value)}
            placeholder="Any user"
          />
        )}
      </SimpleGrid>
      {active && (
        <Group mb="md">
          <Button
            variant="subtle"
            size="xs"
            onClick={() => {
              setOwner("");
              onChange(emptyFilters);
            }}
          >
            Clear filters
          </Button>
        </Group>
      )}
    </section>
  );
}
