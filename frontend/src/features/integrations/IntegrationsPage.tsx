import { Stack, Switch, Title } from "@mantine/core";
import { useState } from "react";
import { useCurrentUser } from "@/features/auth/api";
import { EndpointsPanel } from "./EndpointsPanel";
import { SecretModal, type ShownSecret } from "./SecretModal";
import { TriggersPanel } from "./TriggersPanel";

/** Webhooks out (endpoints and their delivery logs) and triggers in; admins may see everyone's. */
export function IntegrationsPage() {
  const me = useCurrentUser();
  const [everyone, setEveryone] = useState(false);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  return (
    <Stack gap="lg">
      <Title order={1}>Integrations</Title>
      {me.data?.role === "admin" && (
        <Switch
          label="Show everyone's"
          checked={everyone}
          onChange={(e) => setEveryone(e.currentTarget.checked)}
        />
      )}
      <EndpointsPanel everyone={everyone} onSecret={setSecret} />
      <TriggersPanel everyone={everyone} onSecret={setSecret} />
      <SecretModal shown={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
