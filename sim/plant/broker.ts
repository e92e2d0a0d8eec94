// Embedded MQTT broker (aedes) for the demo plant and the tests, listening on loopback only.
// In-memory persistence: persistent sessions (clean:false) survive reconnects, not a broker restart.

import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import type { createBroker } from 'aedes';

// aedes is CommonJS with `module.exports = Aedes`; its .d.ts says `export default`, which TypeScript's
// NodeNext resolution and Node's ESM loader read differently. require() sidesteps the mismatch.
const require = createRequire(import.meta.url);
const createAedes = require('aedes') as typeof createBroker;

export interface DemoBrokerOptions {
  /** 0 or omitted picks a free port. */
  readonly port?: number;
  readonly host?: '127.0.0.1';
}

export interface DemoBroker {
  /** mqtt://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts aedes on a plain TCP listener.
 * @example const broker = await startDemoBroker(); mqtt.connect(broker.url); ...; await broker.stop();
 */
export async function startDemoBroker(options: DemoBrokerOptions = {}): Promise<DemoBroker> {
  const host = options.host ?? '127.0.0.1';
  // aedes applies MQTT 3.1's 23-character client-id limit to 3.1 clients; older plant devices speak
  // 3.1 and their ids are often longer.
  const aedes = createAedes({ maxClientsIdLength: 256 });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // server.close() waits for every open connection, so the broker closes its clients first
      // and any socket still half-open is destroyed rather than awaited.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    })();
    return stopping;
  };
  return { url: `mqtt://${host}:${port}`, port, stop };
}
