import { Button, Stack, Text, Title } from "@mantine/core";
import { useEffect } from "react";
import { Link } from "react-router";

export function NotFoundPage({ what = "page" }: { what?: string }) {
  useEffect(() => {
    document.title = "Not found · Underway";
  }, []);
  return (
    <Stack align="flex-start" gap="md" py="xl">
      <Text c="dimmed" fw={700}>
        404
      </Text>
      <Title order={1} size="h2">
        Not found
      </Title>
      <Text>This {what} does not exist, or you do not have access to it.</Text>
      <Button component={Link} to="/" variant="light">
        Back to the dashboard
      </Button>
    </Stack>
  );
}
