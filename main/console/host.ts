// Starts what a PlantDesk host runs: the configured plant, or the demo plant when no config is given, and the
// agent. Shared by the headless console and the Electron utility process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigSchema, createLogger, loadConfigFile, opcuaPkiDir, startAgent, type Agent, type AgentConfig, type Logger } from '../agent/index.js';

export interface HostOptions {
  readonly configFile?: string;
  readonly dataDir?: string;
}

export interface Host {
  readonly agent: Agent;
  readonly config: AgentConfig;
  readonly logger: Logger;
  readonly demo: boolean;
  stop(): Promise<void>;
}

/** Repository (or app) root: this file is compiled to build/node/main/console/. */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Throws ConfigError for a bad --config before anything is started. */
export async function startHost(options: HostOptions): Promise<Host> {
  // --data decides where the secret key lives (enc:v1: values), as it decides everything else under the data dir.
  const fileConfig = options.configFile ? loadConfigFile(options.configFile, options.dataDir ? { dataDir: options.dataDir } : {}) : undefined;
  const demo = fileConfig === undefined;
  // The demo starts from a clean buffer each run unless --data is given; its simulators keep no state either.
  const dataDir = resolve(options.dataDir ?? fileConfig?.dataDir ?? (demo ? mkdtempSync(join(tmpdir(), 'plantdesk-demo-')) : '.plantdesk/data'));
  // demo.ts (simulators, node-opcua's server) is imported only for the demo: a plant's agent starts without it.
  const demoEnv = demo ? await (await import('./demo.js')).startDemoEnvironment(join(dataDir, 'pki', 'demo-server'), opcuaPkiDir(dataDir)) : undefined;
  const config = fileConfig ?? ConfigSchema.parse(demoEnv!.config);
  const logger = createLogger(config.log.level);
  try {
    const agent = await startAgent({ config, dataDir, logger, version: appVersion(), demo });
    return {
      agent, config, logger, demo,
      async stop() {
        await agent.stop();
        await demoEnv?.stop();
        if (demo && options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await demoEnv?.stop();
    throw error;
  }
}
