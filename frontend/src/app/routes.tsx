// The route table. Pages are code-split with `lazy`; guards wrap the routes that need a session or admin.
import type { RouteObject } from "react-router";
import { PageLoader } from "@/components/PageLoader";
import { RouteError } from "@/components/RouteError";
import { StatusPage } from "@/components/StatusPage";
import { RequireAdmin } from "@/features/auth/RequireAdmin";
import { RequireAuth } from "@/features/auth/RequireAuth";
import { AppLayout } from "./AppLayout";

export const routes: RouteObject[] = [
  {
    path: "/login",
    lazy: async () => ({ Component: (await import("@/features/auth/LoginPage")).LoginPage }),
    errorElement: <RouteError />,
    hydrateFallbackElement: <PageLoader />,
  },
  {
    element: <RequireAuth />,
    errorElement: <RouteError />,
    // Shown while the first page's code chunk loads.
    hydrateFallbackElement: <PageLoader />,
    children: [
      {
        element: <AppLayout />,
        children: [
          {
            errorElement: <RouteError />,
            children: [
              {
                index: true,
                lazy: async () => ({
                  Component: (await import("@/features/dashboard/DashboardPage")).DashboardPage,
                }),
              },
              {
                path: "workflows",
                lazy: async () => ({
                  Component: (await import("@/features/workflows/WorkflowsPage")).WorkflowsPage,
                }),
              },
              {
                path: "workflows/:name",
                lazy: async () => ({
                  Component: (await import("@/features/workflows/NewOperationPage")).NewOperationPage,
                }),
              },
              {
                path: "history",
                lazy: async () => ({
                  Component: (await import("@/features/history/HistoryPage")).HistoryPage,
                }),
              },
              {
                path: "operations/:id",
                lazy: async () => ({
                  Component: (await import("@/features/operations/OperationPage")).OperationPage,
                }),
              },
              {
                path: "assistant/:sessionId?",
                lazy: async () => ({
                  Component: (await import("@/features/assistant/AssistantPage")).AssistantPage,
                }),
              },
              {
                path: "integrations",
                lazy: async () => ({
                  Component: (await import("@/features/integrations/IntegrationsPage")).IntegrationsPage,
                }),
              },
              {
                path: "settings",
                lazy: async () => ({
                  Component: (await import("@/features/settings/SettingsPage")).SettingsPage,
                }),
              },
              {
                path: "admin",
                element: <RequireAdmin />,
                children: [
                  {
                    index: true,
                    lazy: async () => ({
                      Component: (await import("@/features/admin/AdminPage")).AdminPage,
                    }),
                  },
                ],
              },
              { path: "*", element: <StatusPage code={404} /> },
            ],
          },
        ],
      },
    ],
  },
];
