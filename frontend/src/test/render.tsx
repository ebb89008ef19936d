import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, type RouteObject, RouterProvider } from "react-router";
import { Providers } from "@/app/Providers";
import { configureApiClient } from "@/lib/api-client";
import { createQueryClient } from "@/lib/query-client";

configureApiClient("http://localhost");

function testQueryClient() {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: 0 }, mutations: { retry: false } });
  return client;
}

export function renderWithProviders(ui: ReactElement) {
  const queryClient = testQueryClient();
  return {
    queryClient,
    ...render(
      <Providers queryClient={queryClient} env="test">
        {ui}
      </Providers>,
    ),
  };
}

export function renderRoutes(routes: RouteObject[], initialPath: string) {
  const queryClient = testQueryClient();
  const router = createMemoryRouter(routes, { initialEntries: [initialPath] });
  const result = render(
    <Providers queryClient={queryClient} env="test">
      <RouterProvider router={router} />
    </Providers>,
  );
  return { router, queryClient, ...result };
}
