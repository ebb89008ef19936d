import { Badge, type BadgeProps } from "@mantine/core";
import type { OperationStatus } from "@/lib/api-types";
import { statusLabel } from "@/lib/format";

// Light-variant colours whose text keeps WCAG AA contrast on its tint (no yellow text).
const COLORS: Record<OperationStatus, string> = {
  queued: "gray",
  running: "blue",
  cancelling: "orange",
  completed: "green",
  failed: "red",
  cancelled: "dark",
  timed_out: "grape",
};

interface Props extends Omit<BadgeProps, "children" | "color"> {
  status: OperationStatus;
  /** Announce changes to assistive technology (the operation page's main status). */
  live?: boolean;
  testId?: string;
}

export function StatusBadge({ status, live = false, testId, ...rest }: Props) {
  return (
    <Badge
      color={COLORS[status]}
      variant="light"
      // Never truncated to "COMPLET…" in a narrow table column: the badge keeps its full width.
      miw="max-content"
      {...(live ? { role: "status", "aria-live": "polite" as const } : {})}
      data-testid={testId}
      data-status={status}
      {...rest}
    >
      {statusLabel(status)}
    </Badge>
  );
}
