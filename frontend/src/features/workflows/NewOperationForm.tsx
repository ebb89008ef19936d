import { Alert, Box, Button, Group, List, Paper, Radio, Stack, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { type FormEvent, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { OperationSubmitSchema } from "@/client/api/schemas.gen";
import { useSubmitOperation } from "@/features/operations/api";
import { SchemaField } from "@/features/schema-form/SchemaField";
import { fieldDomId, SchemaForm } from "@/features/schema-form/SchemaForm";
import {
  type FieldSpec,
  fieldFromSchema,
  fieldsFromSchema,
  type JsonSchema,
} from "@/features/schema-form/schema";
import { mapServerErrors, type SubmissionField } from "@/features/schema-form/server-errors";
import {
  type FieldErrors,
  validateField,
  validateRows,
  validateValues,
} from "@/features/schema-form/validate";
import { type FormValue, initialValues, toParams, toParamValue } from "@/features/schema-form/values";
import type { Priority, WorkflowInfo } from "@/lib/api-types";
import { retryLater } from "@/lib/notify";
import { ApiError } from "@/lib/problem";
import { uuid } from "@/lib/uuid";

const PRIORITIES: { value: Priority; label: string }[] = [
  { value: "high", label: "High" },
  { value: "normal", label: "Normal" },
  { value: "low", label: "Low" },
];

const ID_PREFIX = "param";
const TIMEOUT_ID = "submission-timeout";

// The timeout follows the contract (OperationSubmit.timeout_s: any number of seconds above 0, or none).
const TIMEOUT_SPEC: FieldSpec = {
  ...fieldFromSchema(
    OperationSubmitSchema as unknown as JsonSchema,
    "timeout_s",
    OperationSubmitSchema.properties.timeout_s as unknown as JsonSchema,
    false,
  ),
  label: "Timeout (seconds)",
  description: "Leave empty for the server's default.",
};

function focusField(name: string) {
  // "rules.0.column" -> the input of that item's field (ids are built the same way).
  const [list, index, field] = name.split(".");
  const id =
    name === "timeout_s"
      ? TIMEOUT_ID
      : index !== undefined && field !== undefined && list !== undefined
        ? `${fieldDomId(ID_PREFIX, list)}_${index}_${field}`
        : fieldDomId(ID_PREFIX, name);
  document.getElementById(id)?.focus();
}

export function NewOperationForm({ workflow }: { workflow: WorkflowInfo }) {
  const specs = useMemo(() => fieldsFromSchema(workflow.params_schema as JsonSchema), [workflow]);
  const [values, setValues] = useState(() => initialValues(specs));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [priority, setPriority] = useState<Priority>("normal");
  const [timeoutS, setTimeoutS] = useState<FormValue>("");
  const [submissionErrors, setSubmissionErrors] = useState<Partial<Record<SubmissionField, string>>>({});
  const [general, setGeneral] = useState<string[]>([]);
  // One key per distinct submission: a retry after a lost response cannot start the operation twice.
  const idempotencyKey = useRef(uuid());
  const submit = useSubmitOperation();
  const navigate = useNavigate();

  const changed = () => {
    idempotencyKey.current = uuid();
  };

  const onChange = (name: string, value: FormValue) => {
    changed();
    setValues((prev) => ({ ...prev, [name]: value }));
    // Clear shown errors as soon as their values become valid (never add new ones while typing).
    const spec = specs.find((s) => s.name === name);
    if (!spec) return;
    const fresh = spec.kind === "objectlist" ? validateRows(spec, value) : {};
    const ownError = validateField(spec, value);
    setErrors((prev) => {
      const next = { ...prev };
      for (const key of Object.keys(prev)) {
        if (key === name && !ownError) delete next[key];
        if (key.startsWith(`${name}.`) && !(key in fresh)) delete next[key];
      }
      return next;
    });
  };

  const onBlur = (name: string) => {
    const spec = specs.find((s) => s.name === name);
    if (!spec) return;
    const error = validateField(spec, values[name]);
    setErrors(({ [name]: _old, ...rest }) => (error ? { ...rest, [name]: error } : rest));
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateValues(specs, values);
    const timeoutError = validateField(TIMEOUT_SPEC, timeoutS);
    setErrors(found);
    setSubmissionErrors(timeoutError ? { timeout_s: timeoutError } : {});
    setGeneral([]);
    const first = Object.keys(found)[0] ?? (timeoutError ? "timeout_s" : undefined);
    if (first) {
      focusField(first);
      return;
    }
    submit.mutate(
      {
        workflow: workflow.name,
        params: toParams(specs, values),
        priority,
        timeout_s: (toParamValue(TIMEOUT_SPEC, timeoutS) as number | null | undefined) ?? null,
        idempotencyKey: idempotencyKey.current,
      },
      {
        onSuccess: (op) => navigate(`/operations/${encodeURIComponent(op.id)}`),
        onError: (error) => {
          if (!(error instanceof ApiError)) {
            setGeneral(["The operation could not be started. Please try again."]);
            return;
          }
          if (error.status === 422 && error.fieldErrors.length > 0) {
            const mapped = mapServerErrors(
              error.fieldErrors,
              specs.map((s) => s.name),
            );
            setErrors(mapped.params);
            setSubmissionErrors(mapped.submission);
            setGeneral(mapped.general);
            const firstServer = Object.keys(mapped.params)[0];
            if (firstServer) focusField(firstServer);
            return;
          }
          setGeneral([retryLater(error)?.message ?? error.userMessage]);
        },
      },
    );
  };

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      data-form="new-operation"
      aria-label={`New ${workflow.title} operation`}
    >
      <Stack gap="lg">
        {general.length > 0 && (
          <Alert
            color="red"
            icon={<IconAlertCircle aria-hidden />}
            title="The operation was not started"
            role="alert"
          >
            {general.length === 1 ? (
              general[0]
            ) : (
              <List size="sm">
                {general.map((g) => (
                  <List.Item key={g}>{g}</List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="md">
            Parameters
          </Title>
          <SchemaForm
            idPrefix={ID_PREFIX}
            specs={specs}
            values={values}
            errors={errors}
            onChange={onChange}
            onBlur={onBlur}
          />
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="md">
            Scheduling
          </Title>
          <Stack gap="md">
            <Radio.Group
              name="priority"
              label="Priority"
              description="Higher priority operations leave the queue first."
              value={priority}
              onChange={(v) => {
                changed();
                setPriority(v as Priority);
              }}
              error={submissionErrors.priority}
            >
              <Group gap="lg" mt="xs">
                {PRIORITIES.map((p) => (
                  <Radio key={p.value} value={p.value} label={p.label} />
                ))}
              </Group>
            </Radio.Group>
            <Box maw={280}>
              <SchemaField
                id={TIMEOUT_ID}
                spec={TIMEOUT_SPEC}
                value={timeoutS}
                error={submissionErrors.timeout_s}
                onChange={(v) => {
                  changed();
                  setTimeoutS(v);
                  // Like the parameters: a corrected value loses its message at once.
                  if (!validateField(TIMEOUT_SPEC, v))
                    setSubmissionErrors(({ timeout_s: _old, ...rest }) => rest);
                }}
              />
            </Box>
          </Stack>
        </Paper>
        <Group>
          <Button type="submit" loading={submit.isPending}>
            Start operation
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
