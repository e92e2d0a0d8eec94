// The console's command line: a bad configuration stops the start with a message naming the key and line.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConsoleCli } from '../helpers/consoleProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-cli-'));

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function runExpectingFailure(args: string[]): Promise<{ code: number | string; output: string }> {
  const run = runConsoleCli(args);
  const code = await run.exited;
  return { code, output: run.output() };
}

const erp = 'erp:\n  kind: sap-odata\n  baseUrl: http://127.0.0.1:9\n';

describe('plantdesk console with a bad configuration', () => {
  it('names an unknown key and its line, and exits 2', async () => {
    const file = writeConfig('unknown.yaml', `plant: "1010"\n${erp}  retries: 3\n`);
    const { code, output } = await runExpectingFailure(['--config', file, '--port', '0']);
    expect(code).toBe(2);
    expect(output).toContain(`${file}:5: erp.retries: unknown key`);
  });

  it('names a value of the wrong type, and exits 2', async () => {
    const file = writeConfig('type.yaml', `plant: "1010"\napi:\n  port: eighty\n${erp}`);
    const { code, output } = await runExpectingFailure(['--config', file]);
    expect(code).toBe(2);
    expect(output).toMatch(new RegExp(`${file.replace(/[.]/g, '\\.')}:3: api\\.port: .*expected number`));
  });

  it('names a missing file, and exits 2', async () => {
    const { code, output } = await runExpectingFailure(['--config', join(dir, 'absent.yaml')]);
    expect(code).toBe(2);
    expect(output).toContain(`${join(dir, 'absent.yaml')}: file not found`);
  });

  it('refuses a database written by a newer PlantDesk in one line, and exits 2', async () => {
    const dataDir = join(dir, 'newer-data');
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, 'plantdesk.db'));
    db.pragma('user_version = 999');
    db.close();
    const file = writeConfig('ok.yaml', `plant: "1010"\n${erp}`);
    const { code, output } = await runExpectingFailure(['--config', file, '--data', dataDir, '--port', '0']);
    expect(code).toBe(2);
    expect(output).toMatch(/plantdesk console: The database was written by a newer PlantDesk \(schema 999/);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('refuses an unknown option with the usage, and exits 2', async () => {
    const { code, output } = await runExpectingFailure(['--prot', '80']);
    expect(code).toBe(2);
    expect(output).toMatch(/Unknown option '--prot'[\s\S]*Usage: plantdesk console/);
  });
});
