import { Center, Loader, VisuallyHidden } from "@mantine/core";

export function PageLoader({ label = "Loading" }: { label?: string }) {
  // The status region carries the name; the spinner itself is decoration (a span may not be labelled).
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader size="md" aria-hidden />
      <VisuallyHidden>{label}</VisuallyHidden>
    </Center>
  );
}
