// Wires the generated REST client: base URL, bearer token, errors as ApiError, 401 -> session expiry.
import { client } from "@/client/api/client.gen";
import { expireSession, getToken } from "@/features/auth/session";
import { toApiError } from "@/lib/problem";

const LOGIN_PATH = "/auth/token";
let configured = false;

export function configureApiClient(baseUrl = ""): void {
  if (configured) return;
  configured = true;
  client.setConfig({ baseUrl, throwOnError: true });
  client.interceptors.request.use((request) => {
    const token = getToken();
    if (token && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    return request;
  });
  client.interceptors.response.use((response, request) => {
    // A 401 anywhere but the login call means the token expired or was revoked.
    if (response.status === 401 && !new URL(request.url).pathname.endsWith(LOGIN_PATH)) {
      expireSession();
    }
    return response;
  });
  client.interceptors.error.use((error, response) => toApiError(error, response));
}
