import { Badge, Loader } from "@mantine/core";
import { IconPlugConnectedX } from "@tabler/icons-react";
import { CLOSE_UNAUTHORIZED } from "@/lib/stream-connection";
import type { LiveConnection } from "./live-stream";

/**
 * Visible only when live updates are not flowing: while the stream is re-established, or once the
 * server refused it for good (an expired session instead sends the user to the login page).
 */
export function ConnectionIndicator({ connection }: { connection: LiveConnection }) {
  if (connection.state === "reconnecting") {
    return (
      <Badge
        color="orange"
        variant="light"
        role="status"
        aria-live="polite"
        leftSection={<Loader size={10} color="orange" aria-hidden />}
      >
        Reconnecting…
      </Badge>
    );
  }
  if (connection.state === "failed" && connection.closeCode !== CLOSE_UNAUTHORIZED) {
    return (
      <Badge
        color="red"
        variant="light"
        role="status"
        aria-live="polite"
        title="Reload the page to try again."
        leftSection={<IconPlugConnectedX size={12} aria-hidden />}
      >
        Live updates stopped
      </Badge>
    );
  }
  return null;
}
