// `plantdesk console`: runs the agent headless and serves the console UI on 127.0.0.1.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, MigrationBackupError, NewerDatabaseError } from '../agent/index.js';
import { APP_ROOT, startHost } from './host.js';
import { startConsoleServer } from './server.js';
// `plantdesk secret encrypt --data DIR` (secretCli.ts): the bin dispatches `secret` to runSecret.
export { runSecret, SECRET_USAGE } from './secretCli.js';

export const CONSOLE_USAGE = `Usage: plantdesk console [--config FILE] [--data DIR] [--port N] [--host ADDRESS]
  --config FILE   plant configuration (YAML); without it the built-in demo plant runs
  --data DIR      data directory (SQLite buffer, certificates); default from the config, a temp dir for the demo
  --port N        HTTP port of the console and API (default 4780; 0 picks a free port)
  --host ADDRESS  address to bind (default 127.0.0.1)`;

/** The line that says the console is ready; tests and people look for it. */
export const READY_PREFIX = 'PlantDesk console ready at ';

function parseConsoleArgs(argv: readonly string[]): { config?: string; data?: string; port?: number; host?: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: { config: { type: 'string' }, data: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(CONSOLE_USAGE);
    process.exit(0);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) throw new Error(`--port must be a whole number from 0 to 65535, not "${values.port}"`);
  return { ...(values.config ? { config: values.config } : {}), ...(values.data ? { data: values.data } : {}), ...(port !== undefined ? { port } : {}), ...(values.host ? { host: values.host } : {}) };
}

export async function runConsole(argv: readonly string[]): Promise<void> {
  let args: ReturnType<typeof parseConsoleArgs>;
  try {
    args = parseConsoleArgs(argv);
  } catch (error) {
    console.error(`plantdesk console: ${(error as Error).message}\n${CONSOLE_USAGE}`);
    process.exit(2);
  }
  let host;
  try {
    host = await startHost({ ...(args.config ? { configFile: args.config } : {}), ...(args.data ? { dataDir: args.data } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    // The database cannot be used by this version as it is: say so in one line; restarting will not help.
    if (error instanceof NewerDatabaseError || error instanceof MigrationBackupError) {
      console.error(`plantdesk console: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const server = await startConsoleServer(host.agent.api, {
    host: args.host ?? host.config.api.host,
    port: args.port ?? host.config.api.port,
    staticDir: join(APP_ROOT, 'build', 'renderer'),
  }).catch(async (error: NodeJS.ErrnoException) => {
    await host.stop();
    console.error(`plantdesk console: cannot listen: ${error.code === 'EADDRINUSE' ? 'the port is in use; choose another with --port' : error.message}`);
    process.exit(1);
  });
  host.logger.info({ url: server.url, demo: host.demo }, 'console listening');
  console.log(`${READY_PREFIX}${server.url}${host.demo ? ' (demo plant)' : ''}`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      console.error(`plantdesk console: ${signal} again, exiting without a clean shutdown`);
      process.exit(1);
    }
    stopping = true;
    host.logger.info({ signal }, 'shutting down');
    void server
      .close()
      .then(() => host.stop())
      .then(() => process.exit(0))
      .catch((error: Error) => {
        console.error(`plantdesk console: shutdown failed: ${error.message}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
