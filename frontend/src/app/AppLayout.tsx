import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Text, VisuallyHidden } from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import {
  IconGauge,
  IconHistory,
  IconLogout,
  IconMessageChatbot,
  IconPlugConnected,
  IconRoute,
  IconSettings,
  IconShieldLock,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { Outlet, NavLink as RouterNavLink, useNavigation } from "react-router";
import { PageLoader } from "@/components/PageLoader";
import { useCurrentUser } from "@/features/auth/api";
import { endSession } from "@/features/auth/session";
import { ColorSchemeToggle } from "./ColorSchemeToggle";

const LINKS = [
  { to: "/", label: "Dashboard", icon: IconGauge, end: true },
  { to: "/workflows", label: "Workflows", icon: IconRoute, end: false },
  { to: "/history", label: "History", icon: IconHistory, end: false },
  { to: "/assistant", label: "Assistant", icon: IconMessageChatbot, end: false },
  { to: "/integrations", label: "Integrations", icon: IconPlugConnected, end: false },
] as const;

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  // Below the "sm" breakpoint the navigation slides away when closed; it must then leave the tab
  // order and the accessibility tree too, not just the screen.
  const narrow = useMediaQuery("(max-width: 48em)");
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const navigation = useNavigation();
  const isAdmin = me.data?.role === "admin";

  const signOut = () => {
    endSession();
    queryClient.clear();
  };

  const link = (to: string, label: string, Icon: typeof IconGauge, end: boolean) => (
    <NavLink
      key={to}
      component={RouterNavLink}
      to={to}
      end={end}
      label={label}
      leftSection={<Icon size={18} aria-hidden />}
      onClick={close}
    />
  );

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? "Close navigation" : "Open navigation"}
            />
            <Text fw={700} size="lg">
              Underway
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {me.data && (
              <Text size="sm" c="dimmed" visibleFrom="xs">
                <VisuallyHidden>Signed in as </VisuallyHidden>
                {me.data.username}
              </Text>
            )}
            <ColorSchemeToggle />
            <Button variant="default" leftSection={<IconLogout size={16} aria-hidden />} onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation" inert={narrow && !opened}>
        <ScrollArea>
          {LINKS.map((l) => link(l.to, l.label, l.icon, l.end))}
          {isAdmin && link("/admin", "Admin", IconShieldLock, false)}
          {link("/settings", "Settings", IconSettings, false)}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {navigation.state === "loading" && <PageLoader />}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
