import { Badge, Button, Card, Group, SimpleGrid, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageHeader } from "@/components/PageHeader";
import { PageLoader } from "@/components/PageLoader";
import { workflowsQuery } from "./api";

export function WorkflowsPage() {
  const query = useQuery(workflowsQuery);
  return (
    <>
      <PageHeader title="Workflows" description="Choose a workflow to start a new operation." />
      {query.isPending && <PageLoader label="Loading workflows" />}
      {query.isError && (
        <ErrorState
          error={query.error}
          title="Could not load the workflows"
          onRetry={() => query.refetch()}
        />
      )}
      {query.data && query.data.length === 0 && <Text c="dimmed">No workflows are installed.</Text>}
      {query.data && (
        <SimpleGrid
          cols={{ base: 1, sm: 2, lg: 3 }}
          spacing="md"
          component="ul"
          style={{ listStyle: "none", padding: 0 }}
        >
          {query.data.map((wf) => (
            <Card key={wf.name} withBorder radius="md" padding="lg" component="li">
              <Group justify="space-between" align="flex-start" wrap="nowrap" mb="xs">
                <Title order={2} size="h4">
                  {wf.title}
                </Title>
                <Badge variant="light" color="gray">
                  {wf.stages.length} {wf.stages.length === 1 ? "stage" : "stages"}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed" ff="monospace" mb="xs">
                {wf.name}
              </Text>
              <Text size="sm" mb="md" style={{ flexGrow: 1 }}>
                {wf.description}
              </Text>
              <Button
                component={Link}
                to={`/workflows/${encodeURIComponent(wf.name)}`}
                variant="light"
                aria-label={`New operation: ${wf.title}`}
              >
                New operation
              </Button>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </>
  );
}
