import { Badge, Loader } from "@mantine/core";
import type { ConnectionState } from "@/lib/stream-connection";

/** Visible only while the live stream is being re-established. */
export function ConnectionIndicator({ state }: { state: ConnectionState }) {
  if (state !== "reconnecting") return null;
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
