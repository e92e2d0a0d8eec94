// The update feed over real HTTP: a local server serves latest.yml and an artifact as the internal update server
// would; the downloaded artifact with the right sha512 is accepted, one flipped byte is refused, and so are a wrong
// size, a file the feed does not list and a feed without checksums (main/shell/updateFile.ts).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUpdateInfo, verifyUpdateFile, UpdateVerificationError } from '../../main/shell/updateFile.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'plantdesk-update-feed-'));
const ARTIFACT = 'PlantDesk-1.3.0-x64.exe';
const artifact = randomBytes(256 * 1024);
const served = new Map<string, Buffer>();
let server: Server;
let baseUrl: string;
let downloads = 0;

function latestYml(body: Buffer, extra = ''): string {
  const sha512 = createHash('sha512').update(body).digest('base64');
  return `version: 1.3.0\nfiles:\n  - url: ${ARTIFACT}\n    sha512: ${sha512}\n    size: ${body.length}\n${extra}path: ${ARTIFACT}\nsha512: ${sha512}\nreleaseDate: '2025-11-25T04:00:00.000Z'\n`;
}

async function download(name: string): Promise<string> {
  const response = await fetch(`${baseUrl}/${name}`);
  expect(response.status).toBe(200);
  downloads += 1;
  const file = path.join(scratch, String(downloads), name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  return file;
}

async function feed(): Promise<ReturnType<typeof parseUpdateInfo>> {
  return parseUpdateInfo(await (await fetch(`${baseUrl}/latest.yml`)).text(), `${baseUrl}/latest.yml`);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = served.get((req.url ?? '/').slice(1));
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(scratch, { recursive: true, force: true });
});

describe('update feed', () => {
  it('accepts the artifact whose sha512 and size match latest.yml', async () => {
    served.set('latest.yml', Buffer.from(latestYml(artifact)));
    served.set(ARTIFACT, artifact);
    const info = await feed();
    expect(info.version).toBe('1.3.0');
    await expect(verifyUpdateFile(await download(ARTIFACT), info)).resolves.toMatchObject({ url: ARTIFACT, size: artifact.length });
  });

  it('refuses the artifact with one flipped byte', async () => {
    const tampered = Buffer.from(artifact);
    tampered[tampered.length >> 1]! ^= 0x01;
    served.set('latest.yml', Buffer.from(latestYml(artifact)));
    served.set(ARTIFACT, tampered);
    const error = await verifyUpdateFile(await download(ARTIFACT), await feed()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpdateVerificationError);
    expect((error as UpdateVerificationError).code).toBe('ERR_CHECKSUM_MISMATCH');
    expect((error as Error).message).toMatch(/^ERR_CHECKSUM_MISMATCH: sha512 checksum mismatch for PlantDesk-1\.3\.0-x64\.exe, expected /);
  });

  it('refuses a truncated artifact by its size, and a file the feed does not list', async () => {
    served.set('latest.yml', Buffer.from(latestYml(artifact)));
    served.set(ARTIFACT, artifact.subarray(0, 1000));
    await expect(verifyUpdateFile(await download(ARTIFACT), await feed())).rejects.toThrow(`ERR_SIZE_MISMATCH: ${ARTIFACT} has 1000 bytes, the feed says ${artifact.length}`);
    served.set('PlantDesk-6.6.6-x64.exe', artifact);
    await expect(verifyUpdateFile(await download('PlantDesk-6.6.6-x64.exe'), await feed())).rejects.toThrow('ERR_NOT_IN_FEED: PlantDesk-6.6.6-x64.exe is not listed for version 1.3.0');
  });

  it('refuses a feed without a usable checksum, naming the key', () => {
    expect(() => parseUpdateInfo(`version: 1.3.0\nfiles:\n  - url: ${ARTIFACT}\n    sha512: abc\n`, 'latest.yml')).toThrow('ERR_UPDATE_FEED: latest.yml: files[0].sha512 is not a base64 SHA-512');
    expect(() => parseUpdateInfo('files: []\n', 'latest.yml')).toThrow('ERR_UPDATE_FEED: latest.yml: version is missing');
    expect(() => parseUpdateInfo('version: 1.3.0\n', 'latest.yml')).toThrow('files is missing or empty');
  });
});
