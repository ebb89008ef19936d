import { Alert, Button, Center, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertCircle, IconClock } from "@tabler/icons-react";
import { type FormEvent, useEffect, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "@/lib/problem";
import { useNow } from "@/lib/use-now";
import { useLogin } from "./api";
import { loginErrorMessage } from "./login-errors";
import { safeNextPath } from "./safe-redirect";
import { lastSignOutReason, useToken } from "./session";

export function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNextPath(params.get("next"));
  const navigate = useNavigate();
  const token = useToken();
  const login = useLogin();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [missing, setMissing] = useState<{ username?: string; password?: string }>({});
  // When a rate-limited sign-in may be tried again (from Retry-After), and a clock counting down to it.
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [expired] = useState(() => lastSignOutReason() === "expired");
  const now = useNow(retryAt !== null);
  const waitS = retryAt !== null ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;

  useEffect(() => {
    document.title = "Sign in · Underway";
  }, []);

  if (token && !login.isPending) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errs = {
      ...(username.trim() ? {} : { username: "Enter your username" }),
      ...(password ? {} : { password: "Enter your password" }),
    };
    setMissing(errs);
    if (errs.username || errs.password || waitS > 0) return;
    login.mutate(
      { username: username.trim(), password },
      {
        onSuccess: () => navigate(next, { replace: true }),
        onError: (error) => {
          if (error instanceof ApiError && error.status === 429) {
            // Without Retry-After there is no known wait: say "shortly" rather than invent one.
            if (error.retryAfterS === null) {
              setRetryAt(null);
              return;
            }
            setRetryAt(Date.now() + error.retryAfterS * 1000);
          }
        },
      },
    );
  };

  const rateLimited = login.error instanceof ApiError && login.error.status === 429;
  const waitKnown = rateLimited && retryAt !== null;

  return (
    <Center mih="100dvh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420} component="main">
        <form onSubmit={onSubmit} noValidate aria-labelledby="login-title">
          <Stack gap="md">
            <div>
              <Title order={1} size="h2" id="login-title">
                Sign in to Underway
              </Title>
              <Text c="dimmed" size="sm">
                Submit, watch and audit long-running operations.
              </Text>
            </div>
            {expired && !login.error && (
              <Alert color="blue" icon={<IconClock aria-hidden />} role="status">
                Your session has expired. Please sign in again.
              </Alert>
            )}
            {login.error && (
              <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert" title="Sign-in failed">
                {loginErrorMessage(login.error)}
                {waitKnown && waitS > 0 && ` Try again in ${waitS} ${waitS === 1 ? "second" : "seconds"}.`}
                {waitKnown && waitS === 0 && " You can try again now."}
                {rateLimited && !waitKnown && " Try again shortly."}
              </Alert>
            )}
            <TextInput
              label="Username"
              name="username"
              autoComplete="username"
              aria-required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              error={missing.username}
              autoFocus
            />
            {/* A plain password input: Mantine's reveal toggle would be a second element labelled "…password". */}
            <TextInput
              type="password"
              label="Password"
              name="password"
              autoComplete="current-password"
              aria-required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={missing.password}
            />
            <Button type="submit" loading={login.isPending} disabled={waitS > 0} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
