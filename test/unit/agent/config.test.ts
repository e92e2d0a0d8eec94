import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../../main/agent/config/load.js';
import { problemsOf } from './configProblems.js';

const valid = `plant: "1010"
mqtt:
  - name: mes
    url: mqtt://127.0.0.1:1883
    clientId: plantdesk-1010
    topics:
      - filter: plant/+/confirmation
        type: confirmation
erp:
  kind: sap-odata
  baseUrl: http://127.0.0.1:4801
`;

describe('config', () => {
  it('accepts a valid file and fills defaults', () => {
    const config = parseConfig(valid, 'plant.yaml');
    expect(config.api).toEqual({ host: '127.0.0.1', port: 4780 });
    expect(config.erp.postIntervalMs).toBe(1000);
    expect(config.mqtt[0]?.topics[0]?.type).toBe('confirmation');
  });

  it('names an unknown key and its line', () => {
    const text = valid.replace('    clientId: plantdesk-1010\n', '    clientId: plantdesk-1010\n    topcs: []\n');
    expect(problemsOf(text)).toEqual(['plant.yaml:6: mqtt[0].topcs: unknown key']);
  });

  it('names a wrong type with its key and line', () => {
    const text = `${valid}api:\n  port: "abc"\n`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^plant\.yaml:13: api\.port: .*number/);
  });

  it('names a missing required key at its parent line', () => {
    expect(problemsOf(valid.replace('  kind: sap-odata\n', ''))).toEqual(['plant.yaml:9: erp.kind: is required']);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(problemsOf('plant: "1010"\nerp: [\n')[0]).toMatch(/^plant\.yaml:\d+: YAML syntax/);
  });

  it('reports a missing file by name', () => {
    expect(() => loadConfigFile('/nonexistent/plant.yaml')).toThrow(/nonexistent\/plant\.yaml: file not found/);
  });

  it('loads a file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-config-'));
    writeFileSync(join(dir, 'plant.yaml'), valid);
    expect(loadConfigFile(join(dir, 'plant.yaml')).plant).toBe('1010');
  });
});
