// Entry of the agent inside Electron's utility process: the same host as the console, with the PlantDesk API
// carried over the process's parent port instead of a socket. Protocol: ApiRequestMessage in, ApiResponseMessage
// out, plus {type:'shutdown'} to stop cleanly (flush and close SQLite) before the app quits.
import { parseArgs } from 'node:util';
import { ConfigError, openApiConnection } from '../agent/index.js';
import { startHost } from './host.js';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  console.error('utilityEntry must run inside an Electron utility process; use `plantdesk console` in plain Node.');
  process.exit(2);
}

const { values } = parseArgs({ args: process.argv.slice(2), options: { config: { type: 'string' }, data: { type: 'string' } }, strict: false });
const configFile = typeof values.config === 'string' ? values.config : undefined;
const dataDir = typeof values.data === 'string' ? values.data : undefined;

try {
  const host = await startHost({ ...(configFile ? { configFile } : {}), ...(dataDir ? { dataDir } : {}) });
  // The parent port is the Electron shell on this machine: commands allowed (until logins exist, issue 6).
  const connection = openApiConnection(host.agent.api, (message) => parentPort.postMessage(message), { allowCommands: true });
  parentPort.on('message', ({ data }) => {
    if ((data as { type?: unknown })?.type === 'shutdown') {
      connection.close();
      void host.stop().then(() => process.exit(0));
      return;
    }
    connection.receive(data);
  });
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  // The shell shows this reason; exit code 2 means "fix the configuration", not "restart me".
  const reason = error instanceof ConfigError ? error.message : `agent failed to start: ${(error as Error).message}`;
  parentPort.postMessage({ type: 'fatal', reason });
  console.error(error instanceof ConfigError ? reason : (error as Error).stack ?? reason);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
