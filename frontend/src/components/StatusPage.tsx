import { Button, Stack, Text, Title } from "@mantine/core";
import { useEffect } from "react";
import { Link } from "react-router";

const TITLES = { 403: "Access denied", 404: "Not found" } as const;

function explanation(code: 403 | 404, what: string): string {
  if (code === 404) return `This ${what} does not exist, or you do not have access to it.`;
  return what === "page"
    ? "This page is for administrators. Your account does not have access to it."
    : `Your account does not have access to this ${what}.`;
}

/** A 403 or 404 page: what happened, in words, and the way back. */
export function StatusPage({ code, what = "page" }: { code: 403 | 404; what?: string }) {
  const title = TITLES[code];
  useEffect(() => {
    document.title = `${title} · Underway`;
  }, [title]);
  return (
    <Stack align="flex-start" gap="md" py="xl">
      <Text c="dimmed" fw={700}>
        {code}
      </Text>
      <Title order={1} size="h2">
        {title}
      </Title>
      <Text>{explanation(code, what)}</Text>
      <Button component={Link} to="/" variant="light">
        Back to the dashboard
      </Button>
    </Stack>
  );
}
