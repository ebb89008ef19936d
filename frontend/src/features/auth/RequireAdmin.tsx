import { Outlet } from "react-router";
import { PageLoader } from "@/components/PageLoader";
import { StatusPage } from "@/components/StatusPage";
import { useCurrentUser } from "./api";

/** Admin-only routes: anyone else sees a 403 page (the API refuses them too). */
export function RequireAdmin() {
  const me = useCurrentUser();
  if (me.isPending) return <PageLoader />;
  if (me.data?.role !== "admin") return <StatusPage code={403} />;
  return <Outlet />;
}
