import { Badge, Button, Card, Group, SimpleGrid, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { MouseEvent } from "react";
import { Link, useNavigate } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageHeader } from "@/components/PageHeader";
import { PageLoader } from "@/components/PageLoader";
import { workflowsQuery } from "./api";

/** A click anywhere on a card opens its form, as its button does, unless the click ended a text
 * selection or landed on a control of its own. The button stays the one link, for keyboards and
 * screen readers (the "redundant click" card pattern: no nested or duplicate links). */
function openOnCardClick(navigate: (to: string) => void, to: string) {
  return (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || (event.target as Element).closest("a, button")) return;
    if (window.getSelection()?.toString()) return;
    navigate(to);
  };
}

export function WorkflowsPage() {
  const query = useQuery(workflowsQuery);
  const navigate = useNavigate();
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
          {query.data.map((wf) => {
            const to = `/workflows/${encodeURIComponent(wf.name)}`;
            return (
              <Card
                key={wf.name}
                withBorder
                radius="md"
                padding="lg"
                component="li"
                className="clickable-card"
                data-testid={`workflow-card-${wf.name}`}
                onClick={openOnCardClick(navigate, to)}
              >
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
                <Button component={Link} to={to} variant="light" aria-label={`New operation: ${wf.title}`}>
                  New operation
                </Button>
              </Card>
            );
          })}
        </SimpleGrid>
      )}
    </>
  );
}
