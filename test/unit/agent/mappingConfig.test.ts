// The configuration of mappings: inline JSONata mappings compiled at load, errors with key and line.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../main/agent/config/load.js';
import { jsonataProblem } from '../../../main/agent/mappingSchema.js';
import { problemsOf } from './configProblems.js';

function config(topics: string, extra = ''): string {
  return `plant: "1010"
mqtt:
  - name: mes
    url: mqtt://127.0.0.1:1883
    clientId: plantdesk-1010
    topics:
${topics}
erp:
  kind: sap-odata
  baseUrl: http://127.0.0.1:4801
${extra}`;
}

const inline = `      - filter: plant/+/+/confirmation
        mapping:
          version: 3
          type: confirmation
          messageId: header.id
          fields:
            line: $topicLevels[2]
            orderId: order.id
            operation: $string(op)
            yieldQty: qty.good
            scrapQty: qty.bad
            unit: qty.uom
            end: header.time
          units: { pcs: PC }`;

describe('mapping configuration', () => {
  it('defaults a topic to the built-in mapping and the source to 256 KiB and 1 day ahead / 30 days back', () => {
    const parsed = parseConfig(config('      - filter: plant/+/confirmation\n        type: confirmation'), 'plant.yaml');
    expect(parsed.mqtt[0]?.topics[0]).toEqual({ filter: 'plant/+/confirmation', type: 'confirmation', mapping: 'mes-json-v1' });
    expect(parsed.mqtt[0]?.maxPayloadBytes).toBe(256 * 1024);
    expect(parsed.mqtt[0]?.eventTime).toEqual({ maxAheadS: 86_400, maxAgeS: 2_592_000 });
    expect(parsed.units).toEqual([]);
  });

  it('accepts an inline mapping and takes the topic type from it', () => {
    const parsed = parseConfig(config(inline), 'plant.yaml');
    const topic = parsed.mqtt[0]?.topics[0];
    expect(topic?.type).toBe('confirmation');
    expect(topic?.mapping).toMatchObject({ version: 3, type: 'confirmation', messageId: 'header.id', units: { pcs: 'PC' } });
  });

  it('names the key and line of an invalid JSONata expression', () => {
    expect(problemsOf(config(inline.replace('orderId: order.id', 'orderId: order.id +')))).toEqual([
      'plant.yaml:14: mqtt[0].topics[0].mapping.fields.orderId: is not a valid JSONata expression: Unexpected end of expression (at character 10)',
    ]);
  });

  it('refuses $now(), $millis() and $random(): a replay must map a message to the same event', () => {
    const problems = problemsOf(config(inline.replace('end: header.time', 'end: $now()')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^plant\.yaml:19: mqtt\[0\]\.topics\[0\]\.mapping\.fields\.end: uses \$now\(\), which differs from run to run/);
    expect(jsonataProblem('$millis() - 1')).toMatch(/\$millis\(\)/);
    expect(jsonataProblem('$random() > 0.5 ? 1 : 2')).toMatch(/\$random\(\)/);
    expect(jsonataProblem('$receivedAt')).toBeUndefined();
  });

  it('names an unknown canonical field, and a missing required one at the fields line', () => {
    const problems = problemsOf(config(inline.replace('            yieldQty: qty.good\n', '            yield: qty.good\n')));
    expect(problems).toEqual([
      expect.stringMatching(/^plant\.yaml:16: mqtt\[0\]\.topics\[0\]\.mapping\.fields\.yield: is not a field of a confirmation/),
      'plant.yaml:12: mqtt[0].topics[0].mapping.fields: has no yieldQty; a confirmation needs line, orderId, operation, yieldQty, unit, end',
    ]);
  });

  it('names an unknown built-in mapping', () => {
    expect(problemsOf(config('      - filter: a/b\n        type: confirmation\n        mapping: mes-json-v2'))).toEqual([
      'plant.yaml:9: mqtt[0].topics[0].mapping: must be mes-json-v1, or an inline mapping { version, type, fields }',
    ]);
  });

  it('requires type with the built-in mapping, and refuses a type that contradicts the inline mapping', () => {
    expect(problemsOf(config('      - filter: a/b'))).toEqual(['plant.yaml:7: mqtt[0].topics[0].type: is required']);
    expect(problemsOf(config(inline.replace('      - filter: plant/+/+/confirmation\n', '      - filter: plant/+/+/confirmation\n        type: quality\n')))).toEqual([
      'plant.yaml:8: mqtt[0].topics[0].type: is quality but the mapping makes confirmation events',
    ]);
  });

  it('checks the per-source limits', () => {
    const text = config('      - filter: a/b\n        type: confirmation').replace('    clientId: plantdesk-1010\n', '    clientId: plantdesk-1010\n    maxPayloadBytes: 10\n    eventTime: { maxAheadS: -1 }\n');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^plant\.yaml:6: mqtt\[0\]\.maxPayloadBytes: /);
    expect(problems[1]).toMatch(/^plant\.yaml:7: mqtt\[0\]\.eventTime\.maxAheadS: /);
  });

  it("reads the plant's unit lines and names one that contradicts the table at its line", () => {
    const ok = parseConfig(config('      - filter: a/b\n        type: confirmation', 'units:\n  - { from: dz, to: PC, factor: 12 }\n'), 'plant.yaml');
    expect(ok.units).toEqual([{ from: 'DZ', to: 'PC', factor: 12 }]);
    const problems = problemsOf(config('      - filter: a/b\n        type: confirmation', 'units:\n  - { from: DZ, to: PC, factor: 12 }\n  - { from: G, to: KG, factor: 0.01 }\n'));
    expect(problems).toEqual(['plant.yaml:14: units[1]: 1 G is already 0.001 KG in the table, not 0.01']);
  });
});
