import { Button, Group, MultiSelect, Select, SimpleGrid, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
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
/** Owner is typed: it is applied after this pause rather than on every key. */
const OWNER_DELAY_MS = 400;

const ownerOf = (text: string) => text.trim() || null;

export function OperationFiltersBar({ value, onChange, withOwner = false }: Props) {
  const workflows = useQuery(workflowsQuery);
  const [owner, setOwner] = useState(value.owner ?? "");
  const urlOwner = value.owner ?? null;
  // The owner this box last applied: when the URL then shows it, the change is ours, not a navigation.
  const applied = useRef(urlOwner);
  const applyOwner = useDebouncedCallback((text: string) => {
    if (ownerOf(text) === urlOwner) return;
    applied.current = ownerOf(text);
    onChange({ ...value, owner: ownerOf(text) });
  }, OWNER_DELAY_MS);

  // The URL changed under the box (back/forward, "Clear filters", a link): show its owner, and drop
  // a pending edit that would put the old text back.
  useEffect(() => {
    if (urlOwner === applied.current) return;
    applied.current = urlOwner;
    applyOwner.cancel();
    setOwner(urlOwner ?? "");
  }, [urlOwner, applyOwner]);

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
            onChange={(e) => {
              setOwner(e.currentTarget.value);
              applyOwner(e.currentTarget.value);
            }}
            placeholder="Any user"
          />
        )}
      </SimpleGrid>
      {active && (
        <Group mb="md">
          <Button variant="subtle" size="xs" onClick={() => onChange(emptyFilters)}>
            Clear filters
          </Button>
        </Group>
      )}
    </section>
  );
}
