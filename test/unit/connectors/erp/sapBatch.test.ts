// $batch codec of the SAP adapter: one changeset per event, and answers read back per changeset in order,
// whether a changeset succeeded (nested multipart) or failed (one application/http part), CRLF or LF.
import { describe, expect, it } from 'vitest';
import { buildBatch, parseBatchResponse } from '../../../../connectors/erp/sapBatch.js';

function okChangeset(boundary: string, group: string): string {
  return [
    `Content-Type: multipart/mixed; boundary=${boundary}`,
    '',
    `--${boundary}`,
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    'HTTP/1.1 201 Created',
    'Content-Type: application/json',
    '',
    `{"d":{"ConfirmationGroup":"${group}","ConfirmationCount":"00000001"}}`,
    `--${boundary}--`,
  ].join('\r\n');
}

const failedPart = [
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'HTTP/1.1 400 Bad Request',
  'Content-Type: application/json',
  '',
  '{"error":{"code":"RU/137","message":{"lang":"en","value":"Order 1 is technically completed"}}}',
].join('\r\n');

describe('buildBatch', () => {
  it('puts each body into its own changeset with a POST to the entity set', () => {
    const batch = buildBatch('ProdnOrdConf2', ['{"a":1}', '{"b":2}']);
    const boundary = /boundary=(\S+)/.exec(batch.contentType)?.[1] ?? '';
    expect(batch.contentType).toMatch(/^multipart\/mixed; boundary=batch_/);
    expect(batch.body.match(/Content-Type: multipart\/mixed; boundary=changeset_/g)).toHaveLength(2);
    expect(batch.body.match(/POST ProdnOrdConf2 HTTP\/1\.1/g)).toHaveLength(2);
    expect(batch.body).toContain('Content-Length: 7\r\n\r\n{"a":1}\r\n');
    expect(batch.body.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });
});

describe('parseBatchResponse', () => {
  it('reads a success, a failed changeset and a success, in order', () => {
    const body = ['--b1', okChangeset('cs1', '0000000001'), '--b1', failedPart, '--b1', okChangeset('cs3', '0000000003'), '--b1--', ''].join('\r\n');
    const parts = parseBatchResponse('multipart/mixed; boundary=b1', body);
    expect(parts.map((p) => p.status)).toEqual([201, 400, 201]);
    expect(JSON.parse(parts[0]?.body ?? '')).toEqual({ d: { ConfirmationGroup: '0000000001', ConfirmationCount: '00000001' } });
    expect(parts[1]?.body).toContain('technically completed');
    expect(parts[1]?.headers.get('content-type')).toBe('application/json');
  });

  it('accepts bare LF line ends and a quoted boundary', () => {
    const body = ['--b1', okChangeset('cs1', '0000000009'), '--b1--'].join('\r\n').replace(/\r\n/g, '\n');
    expect(parseBatchResponse('multipart/mixed; boundary="b1"', body).map((p) => p.status)).toEqual([201]);
  });

  it('refuses an answer that is not multipart, has no closing delimiter, or merges changesets', () => {
    expect(() => parseBatchResponse('application/json', '{}')).toThrow(/not multipart\/mixed/);
    expect(() => parseBatchResponse('multipart/mixed; boundary=b1', `--b1\r\n${failedPart}\r\n`)).toThrow(/no closing --b1--/);
    const merged = okChangeset('cs1', '1').replace(`--cs1--`, `--cs1\r\n${failedPart}\r\n--cs1--`);
    expect(() => parseBatchResponse('multipart/mixed; boundary=b1', `--b1\r\n${merged}\r\n--b1--`)).toThrow(/holds 2 responses instead of 1/);
    expect(() => parseBatchResponse('multipart/mixed; boundary=b1', `--b1\r\nContent-Type: application/http\r\n\r\nnonsense\r\n--b1--`)).toThrow(/no HTTP status line/);
  });
});
