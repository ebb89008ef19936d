import { Button } from "@mantine/core";
import { IconFileDownload } from "@tabler/icons-react";
import { useState } from "react";
import { notifyFailure } from "@/lib/notify";
import { exportOperationsCsv, type ListScope, type OperationFilters } from "./api";

/** Downloads every operation matching the current filters as CSV (built by the server, streamed). */
export function ExportCsvButton({ scope, filters }: { scope: ListScope; filters: OperationFilters }) {
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    try {
      await exportOperationsCsv(scope, filters);
    } catch (error) {
      notifyFailure("Could not export the operations", error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      variant="default"
      leftSection={<IconFileDownload size={16} aria-hidden />}
      onClick={onClick}
      loading={busy}
    >
      Export CSV
    </Button>
  );
}
