import { Stack, Tabs } from "@mantine/core";
import { PageHeader } from "@/components/PageHeader";
import { LazyActivityCharts } from "@/features/activity/LazyActivityCharts";
import { AdminOperations } from "./AdminOperations";
import { ChatLinksAdminPanel } from "./ChatLinksAdminPanel";
import { QueuePanel } from "./QueuePanel";
import { UsersPanel } from "./UsersPanel";
import { WorkersPanel } from "./WorkersPanel";

export function AdminPage() {
  return (
    <>
      <PageHeader title="Administration" description="Every user's operations, the queue and the workers." />
      <Tabs defaultValue="operations" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="operations">Operations</Tabs.Tab>
          <Tabs.Tab value="workers">Workers</Tabs.Tab>
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="chat">Chat links</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="operations">
          <Stack gap="lg">
            <QueuePanel />
            <LazyActivityCharts scope="admin" />
            <AdminOperations />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="workers">
          <WorkersPanel />
        </Tabs.Panel>
        <Tabs.Panel value="users">
          <UsersPanel />
        </Tabs.Panel>
        <Tabs.Panel value="chat">
          <ChatLinksAdminPanel />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
