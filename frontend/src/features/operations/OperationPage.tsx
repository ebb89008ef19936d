import { Alert, Code, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useParams } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageHeader } from "@/components/PageHeader";
import { PageLoader } from "@/components/PageLoader";
import { StatusBadge } from "@/components/StatusBadge";
import { StatusPage } from "@/components/StatusPage";
import { OperationDeliveries } from "@/features/integrations/OperationDeliveries";
import { fieldsFromSchema, type JsonSchema } from "@/features/schema-form/schema";
import { workflowQuery } from "@/features/workflows/api";
import { isTerminal } from "@/lib/api-types";
import { isApiError } from "@/lib/problem";
import { CLOSE_FORBIDDEN, CLOSE_NOT_FOUND } from "@/lib/stream-connection";
import { useNow } from "@/lib/use-now";
import { ArtifactList } from "./ArtifactList";
import { BlockedReason } from "./BlockedReason";
import { CancelOperation } from "./CancelOperation";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { EventLog } from "./EventLog";
import { OperationDetails } from "./OperationDetails";
import { OperationProgress } from "./OperationProgress";
import { StageTimeline } from "./StageTimeline";
import { buildStageTimeline } from "./stage-timeline";
import { useOperationLive } from "./use-operation-live";
import { ValueTable } from "./ValueTable";

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

export function OperationPage() {
  const { id = "" } = useParams();
  const { live, connection, query } = useOperationLive(id);
  const op = live.operation;
  const workflow = useQuery({ ...workflowQuery(op?.workflow ?? ""), enabled: op !== null });
  const active = op !== null && !isTerminal(op.status);
  // A clock for the elapsed time and the current stage's duration, ticking while the operation runs.
  const now = useNow(active);

  const stages = useMemo(
    () => buildStageTimeline(workflow.data?.stages ?? [], live.stageMarks, op, live.terminalTs, now),
    [workflow.data, live.stageMarks, op, live.terminalTs, now],
  );
  const paramLabels = useMemo(() => {
    const fields = workflow.data ? fieldsFromSchema(workflow.data.params_schema as JsonSchema) : [];
    return Object.fromEntries(fields.map((f) => [f.name, f.label]));
  }, [workflow.data]);

  if (!op) {
    if (query.isError) {
      if (isApiError(query.error, 404)) return <StatusPage code={404} what="operation" />;
      if (isApiError(query.error, 403)) return <StatusPage code={403} what="operation" />;
      return (
        <ErrorState
          error={query.error}
          title="Could not load the operation"
          onRetry={() => query.refetch()}
        />
      );
    }
    if (connection.closeCode === CLOSE_NOT_FOUND) return <StatusPage code={404} what="operation" />;
    if (connection.closeCode === CLOSE_FORBIDDEN) return <StatusPage code={403} what="operation" />;
    return <PageLoader label="Loading the operation" />;
  }

  const startedMs = op.started_at ? Date.parse(op.started_at) : null;
  const endMs = op.finished_at ? Date.parse(op.finished_at) : now;
  const elapsedS = startedMs === null ? null : Math.max(0, (endMs - startedMs) / 1000);
  const etaS = active && op.status === "running" ? op.progress.eta_s : null;

  return (
    <Stack gap="lg">
      <PageHeader
        title={workflow.data?.title ?? op.workflow}
        description={
          <>
            Operation <Code>{op.id}</Code>
          </>
        }
        actions={
          <>
            <ConnectionIndicator connection={connection} />
            <CancelOperation operation={op} />
          </>
        }
      />
      <Paper withBorder p="md" radius="md">
        <Stack gap="md">
          <Group gap="sm">
            <Text size="sm" fw={600}>
              Status
            </Text>
            <StatusBadge status={op.status} size="lg" live testId="operation-status" />
          </Group>
          <OperationProgress percent={op.progress.percent} status={op.status} />
          <Text size="sm" aria-live="polite" data-testid="operation-message">
            {op.progress.message ?? (op.status === "queued" ? "Waiting in the queue" : " ")}
          </Text>
          <OperationDetails operation={op} elapsedS={elapsedS} etaS={etaS} />
        </Stack>
      </Paper>
      <BlockedReason operation={op} />
      {op.error && (
        <Alert color="red" icon={<IconAlertTriangle aria-hidden />} title="The operation failed">
          {op.error}
        </Alert>
      )}
      <Section title="Stages">
        {workflow.data ? <StageTimeline rows={stages} /> : <PageLoader label="Loading stages" />}
      </Section>
      <Section title="Log">
        <EventLog lines={live.log} dropped={live.droppedLogLines} />
      </Section>
      {isTerminal(op.status) && (
        <>
          <Section title="Files">
            <ArtifactList operationId={op.id} artifacts={op.artifacts} />
          </Section>
          <Section title="Result">
            <ValueTable caption="Result" value={op.result} empty="No result." />
          </Section>
        </>
      )}
      <OperationDeliveries
        operationId={op.id}
        section={(title, children) => <Section title={title}>{children}</Section>}
      />
      <Section title="Parameters">
        <ValueTable
          caption="Parameters"
          value={op.params}
          labels={paramLabels}
          empty="This operation has no parameters."
        />
      </Section>
    </Stack>
  );
}
