// The rejected-messages panel rendered to static markup: what an engineer reads before fixing a mapping.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { RejectedMessage } from '../../../domain/api.js';
import { formatBytes, RejectedMessagesPanel } from '../../../renderer/src/components/RejectedMessagesPanel.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

function rejected(overrides: Partial<RejectedMessage> = {}): RejectedMessage {
  return {
    id: 7, source: 'mes', channel: 'plant/1010/L1/confirmation', receivedAt: '2026-11-25T10:00:00.000Z',
    reason: 'yield Invalid input: expected number, received string, got "NaN"', payload: '{"messageId":"m-1","yield":"NaN"}',
    payloadEncoding: 'utf8', payloadTruncated: false, payloadBytes: 34, mappingVersion: 'mes-json-v1', correlationId: 'c-1', ...overrides,
  };
}

describe('RejectedMessagesPanel', () => {
  it('shows source, topic, reason, mapping version, payload and size per message', () => {
    const html = renderToStaticMarkup(<RejectedMessagesPanel messages={[rejected()]} total={1} loadError={null} />);
    expect(html).toContain('data-testid="rejected-row" data-id="7"');
    const t = text(html);
    for (const part of ['Rejected messages', 'mes', 'plant/1010/L1/confirmation', 'got &quot;NaN&quot;', 'mes-json-v1', '{&quot;messageId&quot;:&quot;m-1&quot;', '(34 B)']) expect(t).toContain(part);
    expect(t).not.toContain('newest');
  });

  it('marks a cut payload and a payload kept as base64, and says how many there are in all', () => {
    const html = renderToStaticMarkup(
      <RejectedMessagesPanel
        messages={[rejected({ payloadTruncated: true, payloadBytes: 300_000 }), rejected({ id: 8, payloadEncoding: 'base64', payload: '/3s=', mappingVersion: null })]}
        total={120}
        loadError={null}
      />,
    );
    const t = text(html);
    expect(t).toContain('newest 2 of 120');
    expect(t).toContain('…');
    expect(t).toContain('cut (293.0 KB)');
    expect(t).toContain('not UTF-8, base64: /3s=');
    expect(t).toContain('—');
  });

  it('says when there is nothing, and when the list could not be read', () => {
    expect(text(renderToStaticMarkup(<RejectedMessagesPanel messages={[]} total={0} loadError={null} />))).toContain('No rejected messages.');
    expect(renderToStaticMarkup(<RejectedMessagesPanel messages={[]} total={null} loadError="agent restarting" />)).toContain('role="alert"');
    expect([formatBytes(null), formatBytes(300), formatBytes(2048), formatBytes(3 * 1024 * 1024)]).toEqual(['', '300 B', '2.0 KB', '3.0 MB']);
  });
});
