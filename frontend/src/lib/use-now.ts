import { useInterval } from "@mantine/hooks";
import { useEffect, useState } from "react";

/** The current time in ms, ticking every `intervalMs` while `active` (a clock for elapsed times and countdowns). */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  const { start, stop } = useInterval(() => setNow(Date.now()), intervalMs);
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    start();
    return stop;
  }, [active, start, stop]);
  return now;
}
