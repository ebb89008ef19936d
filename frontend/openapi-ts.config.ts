import { defineConfig } from "@hey-api/openapi-ts";

// The contract: ../shared-schema/openapi.json is generated from the backend (`underway schema`).
export default defineConfig({
  input: "../shared-schema/openapi.json",
  // scripts/generate-client.mjs points this at a temp dir for `npm run client:check`.
  output: { path: process.env.UNDERWAY_CLIENT_OUT ?? "src/client/api" },
  plugins: [
    "@hey-api/client-fetch",
    "@hey-api/typescript",
    // The JSON Schemas themselves, for inputs that follow the contract (the submission's timeout).
    "@hey-api/schemas",
    { name: "@hey-api/sdk", operations: { strategy: "flat" } },
  ],
});
