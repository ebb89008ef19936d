import { Button, Code, Collapse, ScrollArea, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconChevronDown, IconChevronRight } from "@tabler/icons-react";
import { useId } from "react";
import { isRecord, summarize, valueRows } from "./value-summary";

// Long values (paths, ids, hashes) wrap instead of widening the page.
const WRAP = { overflowWrap: "anywhere" } as const;

interface Props {
  /** What the table shows ("Result", "Parameters"): its caption for assistive technology. */
  caption: string;
  value: unknown;
  /** Preferred row labels by key (e.g. the workflow's parameter titles). */
  labels?: Readonly<Record<string, string>>;
  empty: string;
}

/** A JSON value as a key/value table (nested values summarised), with the raw JSON on request. */
export function ValueTable({ caption, value, labels, empty }: Props) {
  const [showJson, { toggle }] = useDisclosure(false);
  const jsonId = useId();
  if (value === null || value === undefined || (isRecord(value) && Object.keys(value).length === 0)) {
    return (
      <Text c="dimmed" size="sm">
        {empty}
      </Text>
    );
  }
  return (
    <Stack gap="xs" align="flex-start">
      {isRecord(value) ? (
        <Table.ScrollContainer minWidth={320} w="100%">
          <Table verticalSpacing={6} layout="fixed">
            <caption>
              <VisuallyHidden>{caption}</VisuallyHidden>
            </caption>
            <Table.Tbody>
              {valueRows(value, labels).map((row) => (
                <Table.Tr key={row.key}>
                  <Table.Th scope="row" w="35%" fw={500}>
                    {row.label}
                  </Table.Th>
                  <Table.Td style={WRAP}>{row.text}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text size="sm" style={WRAP}>
          {summarize(value)}
        </Text>
      )}
      <Button
        variant="subtle"
        size="compact-sm"
        onClick={toggle}
        aria-expanded={showJson}
        aria-controls={jsonId}
        leftSection={
          showJson ? <IconChevronDown size={14} aria-hidden /> : <IconChevronRight size={14} aria-hidden />
        }
      >
        {showJson ? "Hide JSON" : "Show JSON"}
      </Button>
      <Collapse expanded={showJson} keepMounted={false} id={jsonId} w="100%">
        <ScrollArea.Autosize mah={480} type="auto">
          <Code block aria-label={`${caption} as JSON`}>
            {JSON.stringify(value, null, 2)}
          </Code>
        </ScrollArea.Autosize>
      </Collapse>
    </Stack>
  );
}
