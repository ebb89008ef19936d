import { Badge, Grid, List, Paper, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageHeader } from "@/components/PageHeader";
import { PageLoader } from "@/components/PageLoader";
import { StatusPage } from "@/components/StatusPage";
import { formatDuration } from "@/lib/format";
import { isApiError } from "@/lib/problem";
import { workflowQuery } from "./api";
import { NewOperationForm } from "./NewOperationForm";

export function NewOperationPage() {
  const { name = "" } = useParams();
  const query = useQuery(workflowQuery(name));

  if (query.isPending) return <PageLoader label="Loading the workflow" />;
  if (query.isError) {
    if (isApiError(query.error, 404)) return <StatusPage code={404} what="workflow" />;
    return (
      <ErrorState error={query.error} title="Could not load the workflow" onRetry={() => query.refetch()} />
    );
  }
  const workflow = query.data;
  return (
    <>
      <PageHeader
        title={`New operation: ${workflow.title}`}
        description={workflow.description}
        actions={workflow.retry_safe ? <Badge variant="outline">Resumes after restarts</Badge> : undefined}
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          {/* Keyed by name so that switching workflows starts a fresh form. */}
          <NewOperationForm key={workflow.name} workflow={workflow} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="md" radius="md">
            <Title order={2} size="h4" mb="sm">
              Stages
            </Title>
            <List type="ordered" spacing="xs" size="sm">
              {workflow.stages.map((stage) => (
                <List.Item key={stage.name}>
                  <Text size="sm" fw={600} span>
                    {stage.name}
                  </Text>
                  {stage.description && (
                    <Text size="sm" c="dimmed">
                      {stage.description}
                    </Text>
                  )}
                  {stage.expected_duration_s != null && (
                    <Text size="xs" c="dimmed">
                      Usually about {formatDuration(stage.expected_duration_s)}
                    </Text>
                  )}
                </List.Item>
              ))}
            </List>
          </Paper>
        </Grid.Col>
      </Grid>
    </>
  );
}
