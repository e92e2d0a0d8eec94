// The `store:` section of the configuration: the SQLite buffer's upkeep (backups, retention) and its capacity.
// Shared by two parts of issue 4; keep edits additive:
//  - backups, retention, integrity (main/agent/maintenance.ts): `retentionDays`, `telemetryRetentionDays`, `backup`;
//  - capacity / disk budget / back pressure: add `diskBudgetMb` and the like below, each with its own default.
// Every key has a default and the section itself is optional: `.prefault({})` runs the empty section through the
// schema, so a key added here gets its default without touching a default literal elsewhere.
import { z } from 'zod';

export const StoreBackupSchema = z.strictObject({
  /** Where the backups go; default `<dataDir>/backups`. Relative paths are taken from the working directory. */
  dir: z.string().min(1).optional(),
  /** An online backup this often (hours); default 24. */
  everyHours: z.number().positive().default(24),
  /** How many scheduled backups to keep; older ones are deleted. Default 7. */
  keep: z.number().int().min(1).default(7),
});

export const StoreSchema = z.strictObject({
  /** Posted and voided events (with their history and raw messages) are purged this many days after; 0 = never. */
  retentionDays: z.number().min(0).default(30),
  /** Telemetry raw rows (OPC UA values, Sparkplug metrics) are purged this many days after receipt; 0 = never. */
  telemetryRetentionDays: z.number().min(0).default(7),
  backup: StoreBackupSchema.prefault({}),
  // Capacity (disk budget, back pressure) keys go here.
  /** Disk budget of the buffer (pages in use + WAL), in MB. At the budget telemetry is shed, then business intake pauses. Default 2048. */
  diskBudgetMb: z.number().positive().default(2048),
  /** A warning (with hours of buffer left) from this share of the budget on, in %. Default 80. */
  warnAtPct: z.number().gt(0).max(100).default(80),
  /** Free disk kept for the system: with less room on the disk than the budget allows, the budget shrinks to fit. Default 64. */
  reserveFreeMb: z.number().min(0).default(64),
  /** How often the store's size and intake are measured, in seconds. Default 10. */
  capacityCheckS: z.number().min(0.05).default(10),
});

export type StoreConfig = z.output<typeof StoreSchema>;
