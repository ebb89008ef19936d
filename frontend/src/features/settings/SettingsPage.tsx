import {
  Badge,
  type MantineColorScheme,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
  useMantineColorScheme,
} from "@mantine/core";
import { PageHeader } from "@/components/PageHeader";
import { useCurrentUser } from "@/features/auth/api";
import { formatDateTime } from "@/lib/format";
import { ApiKeysPanel } from "./ApiKeysPanel";
import { ChatPanel } from "./ChatPanel";

function Appearance() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="appearance-title">
      <Title order={2} size="h4" id="appearance-title" mb="xs">
        Appearance
      </Title>
      <Text size="sm" c="dimmed" mb="sm" id="theme-label">
        Theme (saved in this browser)
      </Text>
      <SegmentedControl
        aria-labelledby="theme-label"
        value={colorScheme}
        onChange={(v) => setColorScheme(v as MantineColorScheme)}
        data={[
          { value: "light", label: "Light" },
          { value: "dark", label: "Dark" },
          { value: "auto", label: "System" },
        ]}
      />
    </Paper>
  );
}

function Account() {
  const me = useCurrentUser();
  const user = me.data;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="account-title">
      <Title order={2} size="h4" id="account-title" mb="sm">
        Account
      </Title>
      {user && (
        <SimpleGrid cols={{ base: 1, xs: 3 }} component="dl" m={0}>
          <Stack gap={0}>
            <Text size="xs" c="dimmed" component="dt">
              Username
            </Text>
            <Text component="dd" m={0}>
              {user.username}
            </Text>
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed" component="dt">
              Role
            </Text>
            <Text component="dd" m={0}>
              <Badge variant="light">{user.role}</Badge>
            </Text>
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed" component="dt">
              Member since
            </Text>
            <Text component="dd" m={0}>
              {formatDateTime(user.created_at)}
            </Text>
          </Stack>
        </SimpleGrid>
      )}
    </Paper>
  );
}

export function SettingsPage() {
  return (
    <Stack gap="lg">
      <PageHeader title="Settings" />
      <Account />
      <Appearance />
      <ApiKeysPanel />
      <ChatPanel />
    </Stack>
  );
}
