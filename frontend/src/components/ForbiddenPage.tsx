import { Button, Stack, Text, Title } from "@mantine/core";
import { useEffect } from "react";
import { Link } from "react-router";

export function ForbiddenPage() {
  useEffect(() => {
    document.title = "Access denied · Underway";
  }, []);
  return (
    <Stack align="flex-start" gap="md" py="xl">
      <Text c="dimmed" fw={700}>
        403
      </Text>
      <Title order={1} size="h2">
        Access denied
      </Title>
      <Text>This page is for administrators. Your account does not have access to it.</Text>
      <Button component={Link} to="/" variant="light">
        Back to the dashboard
      </Button>
    </Stack>
  );
}
