// Builds the diagnostics bundle (domain/diagnosticsApi.ts): logs, configuration without secrets, queue
// statistics, health and versions, in one JSON document the console downloads in one click.
import { arch, hostname, release, type } from 'node:os';
import type { ConnectionStatus, Health, QueueCounts } from '../../domain/index.js';
import type { DiagnosticsBundle } from '../../domain/diagnosticsApi.js';
import type { LogRing } from './diagnosticsLog.js';
import { maskSecrets, redactConfig, secretValues } from './diagnosticsRedact.js';

export interface DiagnosticsSources {
  /** The configuration in effect (parsed): redacted here, never handed out as is. */
  readonly config: unknown;
  readonly logs: LogRing;
  health(): Promise<Health>;
  queue(): Promise<QueueCounts>;
  connections(): readonly ConnectionStatus[];
}

export class Diagnostics {
  private readonly secrets: readonly string[];
  private readonly redactedConfig: unknown;

  constructor(private readonly sources: DiagnosticsSources) {
    this.secrets = secretValues(sources.config);
    this.redactedConfig = redactConfig(sources.config);
  }

  async bundle(now = Date.now()): Promise<DiagnosticsBundle> {
    const [health, queue] = await Promise.all([this.sources.health(), this.sources.queue()]);
    const logs = this.sources.logs.recent().map((line) => maskSecrets(line, this.secrets));
    const bundle: DiagnosticsBundle = {
      generatedAt: new Date(now).toISOString(),
      plant: health.plant,
      versions: {
        app: health.version,
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        schemaVersion: health.store?.schemaVersion ?? null,
        os: { type: type(), release: release(), arch: arch(), hostname: hostname() },
      },
      uptimeS: health.uptimeS,
      config: this.redactedConfig,
      queue,
      health,
      // Connection errors may quote a URL with its password: masked like the logs.
      connections: JSON.parse(maskSecrets(JSON.stringify(this.sources.connections()), this.secrets)) as unknown,
      logs,
      logLimit: this.sources.logs.capacity,
    };
    return bundle;
  }
}
