import { Button, Stack, Text, Title } from "@mantine/core";
import { isRouteErrorResponse, useRouteError } from "react-router";
import { StatusPage } from "./StatusPage";

/** Shown when a route fails to render or its code chunk fails to load (e.g. after a deploy). */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <StatusPage code={404} />;
  return (
    <Stack align="flex-start" gap="md" p="xl">
      <Title order={1} size="h2">
        Something went wrong
      </Title>
      <Text>This page could not be shown. Reloading usually fixes it.</Text>
      <Button onClick={() => window.location.reload()}>Reload</Button>
    </Stack>
  );
}
