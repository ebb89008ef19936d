import { Button } from "@mantine/core";
import { notifyFailure } from "@/lib/notify";
import { useRotateSecret } from "./api";
import type { ShownSecret } from "./SecretModal";

const EFFECT = {
  endpoint: "The old secret keeps signing beside it for 24 hours: switch your receiver within that time.",
  trigger: "The old secret stopped working: give the new one to the sender now.",
};

export function RotateSecretButton({
  kind,
  id,
  name,
  onSecret,
}: {
  kind: "endpoint" | "trigger";
  id: string;
  name: string;
  onSecret: (s: ShownSecret) => void;
}) {
  const rotate = useRotateSecret();
  return (
    <Button
      size="xs"
      variant="default"
      loading={rotate.isPending}
      onClick={() =>
        rotate.mutate(
          { kind, id },
          {
            onSuccess: (secret) =>
              onSecret({ title: "A new secret", label: `${name}. ${EFFECT[kind]}`, secret }),
            onError: (error) => notifyFailure("Could not rotate the secret", error),
          },
        )
      }
    >
      Rotate secret
    </Button>
  );
}
