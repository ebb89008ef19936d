import { Navigate, Outlet, useLocation } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageLoader } from "@/components/PageLoader";
import { useCurrentUser } from "./api";
import { loginPathFor } from "./safe-redirect";
import { useToken } from "./session";

/** Routes below need a session; without one, go to the login page and come back here afterwards. */
export function RequireAuth() {
  const token = useToken();
  const location = useLocation();
  const me = useCurrentUser();

  if (!token) {
    return <Navigate to={loginPathFor(location.pathname + location.search)} replace />;
  }
  if (me.isPending) return <PageLoader label="Loading your account" />;
  if (me.isError) {
    return <ErrorState error={me.error} title="Could not load your account" onRetry={() => me.refetch()} />;
  }
  return <Outlet />;
}
