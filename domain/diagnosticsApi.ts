// The diagnostics bundle IT asks for when something is wrong (issue 7): one JSON document exported from the
// console in one click. A view: it holds no secret (passwords, client secrets, tokens, keys are "***").
import type { EventStatus } from './lifecycle.js';

export const REDACTED = '***';

export interface DiagnosticsVersions {
  readonly app: string;
  readonly node: string;
  /** The Electron runtime when the agent runs in the desktop app; null headless. */
  readonly electron: string | null;
  /** The SQLite buffer's schema version; null where no store runs. */
  readonly schemaVersion: number | null;
  readonly os: { readonly type: string; readonly release: string; readonly arch: string; readonly hostname: string };
}

export interface DiagnosticsBundle {
  readonly generatedAt: string;
  readonly plant: string;
  readonly versions: DiagnosticsVersions;
  readonly uptimeS: number;
  /** The configuration in effect, every secret replaced by "***". */
  readonly config: unknown;
  readonly queue: Readonly<Record<EventStatus, number>> & { readonly rejected: number; readonly oldestPendingAgeS: number | null; readonly [key: string]: unknown };
  readonly health: unknown;
  readonly connections: unknown;
  /** The agent's newest log lines (JSON, oldest first), secrets masked; at most `logLimit`. */
  readonly logs: readonly string[];
  readonly logLimit: number;
}
