import { Paper, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

interface Props {
  id: string;
  title: string;
  /** What the chart shows, in words: the figure's accessible description (the SVG has none). */
  summary: string;
  empty?: string | null;
  children: ReactNode;
}

/** A chart as a figure: a heading, a one-line summary in words, then the chart or why there is none. */
export function ChartCard({ id, title, summary, empty = null, children }: Props) {
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="figure"
      m={0}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-summary`}
      data-testid={id}
    >
      <Title order={3} size="h5" id={`${id}-title`}>
        {title}
      </Title>
      <Text
        size="xs"
        c="dimmed"
        id={`${id}-summary`}
        component="figcaption"
        mb="sm"
        data-testid={`${id}-summary`}
      >
        {summary}
      </Text>
      {empty ? (
        <Text size="sm" c="dimmed" py="xl" ta="center">
          {empty}
        </Text>
      ) : (
        children
      )}
    </Paper>
  );
}
