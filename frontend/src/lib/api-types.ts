// The app's names for the generated API types (one place to adapt if the contract renames a schema).
export type {
  ApiKey,
  Artifact,
  ChatButton,
  ChatChannels,
  ChatLink,
  ChatMessage,
  ChatSession,
  ChatSessionDetail,
  LinkCode,
  NewApiKey as ApiKeyCreated,
  Operation,
  OperationEvent,
  OperationPage,
  OperationStatus,
  Priority,
  QueueHistory,
  QueueSnapshot,
  Stage,
  Stats,
  Throughput,
  User,
  WorkerInfo,
  WorkflowActivity,
  WorkflowInfo,
  WorkflowsActivity,
} from "@/client/api";

import type { OperationStatus } from "@/client/api";

export const TERMINAL_STATUSES: ReadonlySet<OperationStatus> = new Set([
  "completed",
  "failed",
  "cancelled",
  "timed_out",
]);

export const ALL_STATUSES: readonly OperationStatus[] = [
  "queued",
  "running",
  "cancelling",
  "completed",
  "failed",
  "cancelled",
  "timed_out",
];

export function isTerminal(status: OperationStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
