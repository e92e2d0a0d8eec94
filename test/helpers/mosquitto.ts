// Starts a real mosquitto broker on a free loopback port with its own config, for integration tests: plain or
// TLS listener, password file and ACL, persistence that survives a restart on the same port; plus a test PKI
// made with the openssl CLI and a WebSocket front for brokers built without websockets (Debian's mosquitto).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { startMqttSource, type IncomingMqttMessage, type MqttSource, type MqttSourceOptions } from '../../connectors/mqtt/index.js';
import type { ConnectionState } from '../../domain/index.js';

export interface MosquittoTlsListener {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** mosquitto `require_certificate true`: clients must present a certificate signed by caFile. */
  readonly requireCertificate?: boolean;
}

export interface MosquittoOptions {
  /** A TLS listener (mqtts://) instead of plain TCP. */
  readonly tls?: MosquittoTlsListener;
  /** Save sessions and queued messages in the broker's temp dir, so they survive restart(). */
  readonly persistence?: boolean;
  /** A mosquitto_passwd file; anonymous clients are then refused. */
  readonly passwordFile?: string;
  readonly aclFile?: string;
}

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  /** The broker's temp dir (config, persistence); removed by stop(). */
  readonly dir: string;
  /** Stops the broker and removes its dir. */
  stop(): Promise<void>;
  /** Stops the process (SIGTERM: with persistence it saves its database first), keeping port and dir. */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same config after halt(). */
  resume(): Promise<void>;
  /** What mosquitto wrote to stderr (its log) so far. */
  log(): string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
}

function configLines(port: number, dir: string, options: MosquittoOptions): string[] {
  const lines = [
    // Run as root, mosquitto drops to the `mosquitto` user, which cannot use the 0700 temp dir.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${port} 127.0.0.1`,
    // max_queued_messages 0 = unlimited: the default of 1000 drops QoS 1 messages for a subscriber that is down
    // or slow (FACTS.md), which would be the broker losing data, not PlantDesk.
    'max_queued_messages 0',
  ];
  if (options.tls) {
    lines.push(`cafile ${options.tls.caFile}`, `certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`);
    if (options.tls.requireCertificate) lines.push('require_certificate true');
  }
  if (options.passwordFile) lines.push('allow_anonymous false', `password_file ${options.passwordFile}`);
  else lines.push('allow_anonymous true');
  if (options.aclFile) lines.push(`acl_file ${options.aclFile}`);
  lines.push(...(options.persistence ? ['persistence true', `persistence_location ${dir}/`] : ['persistence false']));
  return [...lines, ''];
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pd-mosquitto-'));
  const configFile = join(dir, 'mosquitto.conf');
  writeFileSync(configFile, configLines(port, dir, options).join('\n'));
  let child: ChildProcess | undefined;
  let stderr = '';

  const launch = async (): Promise<void> => {
    const started = spawn('/usr/sbin/mosquitto', ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await waitForPort(port, started, 5000);
    } catch (error) {
      started.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${stderr}`);
    }
  };
  const halt = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });

  await launch();
  return {
    url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    dir,
    halt,
    resume: launch,
    log: () => stderr,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestPki {
  readonly dir: string;
  /** The CA that signs the broker's and the client's certificates. */
  readonly caFile: string;
  /** Broker certificate for CN 127.0.0.1, SAN IP:127.0.0.1 and DNS:localhost, signed by caFile. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** Client certificate (CN plantdesk-test), signed by caFile. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** Another CA, and a broker certificate it signed for the same names: not trusted by clients of caFile. */
  readonly rogueCaFile: string;
  readonly rogueServerCertFile: string;
  readonly rogueServerKeyFile: string;
  remove(): void;
}

/** Generates CAs and certificates with the openssl CLI (EC P-256, valid one day) in a new temp dir. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'pd-pki-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const makeCa = (name: string, cn: string): void => {
    openssl('req', '-x509', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '1', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  const makeLeaf = (name: string, ca: string, cn: string, extensions: string): void => {
    writeFileSync(file(`${name}.ext`), `${extensions}\n`);
    openssl('req', '-new', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`);
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.crt`), '-CAkey', file(`${ca}.key`), '-CAcreateserial',
      '-out', file(`${name}.crt`), '-days', '1', '-extfile', file(`${name}.ext`));
  };
  const serverExt = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost';
  makeCa('ca', 'PlantDesk Test CA');
  makeLeaf('server', 'ca', '127.0.0.1', serverExt);
  makeLeaf('client', 'ca', 'plantdesk-test', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth');
  makeCa('rogue-ca', 'Rogue Test CA');
  makeLeaf('rogue-server', 'rogue-ca', '127.0.0.1', serverExt);
  return {
    dir,
    caFile: file('ca.crt'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.crt'),
    clientKeyFile: file('client.key'),
    rogueCaFile: file('rogue-ca.crt'),
    rogueServerCertFile: file('rogue-server.crt'),
    rogueServerKeyFile: file('rogue-server.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes a mosquitto password file with mosquitto_passwd (users: name -> password) and returns its path. */
export function createPasswordFile(dir: string, users: Readonly<Record<string, string>>): string {
  const path = join(dir, 'passwd');
  writeFileSync(path, '');
  for (const [user, password] of Object.entries(users)) execFileSync('/usr/bin/mosquitto_passwd', ['-b', path, user, password]);
  return path;
}

export interface WebSocketFront {
  /** ws://127.0.0.1:PORT/mqtt or wss://... */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A WebSocket endpoint (subprotocol "mqtt", binary frames) that relays each connection to a TCP broker port:
 * what mosquitto's `protocol websockets` listener does, for a mosquitto built without libwebsockets.
 */
export async function startWebSocketFront(brokerPort: number, tls?: { certFile: string; keyFile: string }): Promise<WebSocketFront> {
  const server: HttpServer = tls
    ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) })
    : createHttpServer();
  const wss = new WebSocketServer({ server, path: '/mqtt', handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
  const sockets = new Set<Socket>();
  wss.on('connection', (ws) => {
    const duplex = createWebSocketStream(ws);
    const tcp = createConnection({ port: brokerPort, host: '127.0.0.1' });
    sockets.add(tcp);
    tcp.on('close', () => sockets.delete(tcp));
    duplex.pipe(tcp).pipe(duplex);
    const close = (): void => {
      tcp.destroy();
      duplex.destroy();
    };
    duplex.on('error', close);
    duplex.on('close', close);
    tcp.on('error', close);
    tcp.on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/mqtt`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface WatchedSource {
  readonly source: MqttSource;
  /** Every status reported, as "state" or "state: error". */
  readonly statuses: string[];
  /** Every payload the sink received, as text, in order (redeliveries included). */
  readonly payloads: string[];
  /**
   * Resolves with the status line once the state is reached (and, when given, the error matches), looking at
   * statuses from index `after` on (default 0: the whole history).
   */
  until(state: ConnectionState, options?: { error?: RegExp; timeoutMs?: number; after?: number }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts an MQTT source (name "test", topic filter t/# unless given) that records its statuses and payloads.
 * The default sink "commits" at once; pass one to slow it down or fail it.
 */
export function watchMqttSource(
  options: Omit<MqttSourceOptions, 'name' | 'topics'> & Partial<Pick<MqttSourceOptions, 'topics'>>,
  sink?: (message: IncomingMqttMessage) => Promise<unknown>,
): WatchedSource {
  const statuses: string[] = [];
  const payloads: string[] = [];
  const waiters = new Set<() => void>();
  const source = startMqttSource(
    { name: 'test', topics: [{ filter: 't/#', type: 'confirmation' }], ...options },
    async (message) => {
      payloads.push(message.payload.toString());
      await sink?.(message);
    },
    (state, error) => {
      statuses.push(error === undefined ? state : `${state}: ${error}`);
      for (const wake of waiters) wake();
    },
  );
  const until = (state: ConnectionState, { error, timeoutMs = 10_000, after = 0 }: { error?: RegExp; timeoutMs?: number; after?: number } = {}): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = statuses.slice(after).find((s) => (s === state || s.startsWith(`${state}: `)) && (!error || error.test(s)));
        if (hit === undefined) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no status ${state}${error ? ` matching ${error}` : ''} within ${timeoutMs} ms; statuses: ${statuses.join(' | ')}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      const wake = (): void => void check();
      if (!check()) waiters.add(wake);
    });
  return { source, statuses, payloads, until, stop: () => source.stop() };
}
