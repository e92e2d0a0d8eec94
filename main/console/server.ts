// The console's HTTP server: the PlantDesk API (HTTP + WebSocket) and the built renderer, on one port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachApiWebSocket, handleApiRequest } from '../agent/index.js';
import type { PlantDeskApi } from '../../domain/api.js';
import { serveStatic } from './staticFiles.js';

export interface ConsoleServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startConsoleServer(api: PlantDeskApi, options: { host: string; port: number; staticDir: string }): Promise<ConsoleServer> {
  // Besides loopback names, the API answers to the address it was bound to (a second screen on the LAN).
  const boundNames = ['0.0.0.0', '::'].includes(options.host) ? [] : [options.host.includes(':') ? `[${options.host}]` : options.host];
  const server: Server = createServer((req, res) => {
    handleApiRequest(api, req, res, boundNames)
      .then((handled) => {
        if (!handled) serveStatic(options.staticDir, req, res);
      })
      .catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`internal error: ${error.message}`);
      });
  });
  const wss = attachApiWebSocket(api, server, boundNames);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
