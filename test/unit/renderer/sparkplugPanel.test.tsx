// The Sparkplug nodes panel rendered to static markup: state in icon and words, ages, seq and bdSeq, devices, and
// why a node's data is refused while a rebirth is awaited.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SparkplugNodeInfo } from '../../../domain/api.js';
import { SparkplugNodesPanel } from '../../../renderer/src/components/SparkplugNodesPanel.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
const NOW = Date.parse('2026-11-25T10:00:30Z');

function node(overrides: Partial<SparkplugNodeInfo> = {}): SparkplugNodeInfo {
  return {
    source: 'edge', group: 'Plant1010', node: 'Line1', state: 'online', since: '2026-11-25T10:00:00.000Z', lastMessageAt: '2026-11-25T10:00:25.000Z',
    awaitingRebirth: null, rebirthRequestedAt: null, bdSeq: 3, seq: 41, metricCount: 9, devices: [], ...overrides,
  };
}

describe('SparkplugNodesPanel', () => {
  it('shows each node with its state, age of the last message, seq, bdSeq, metric count and devices', () => {
    const html = renderToStaticMarkup(
      <SparkplugNodesPanel
        now={NOW}
        loadError={null}
        nodes={[
          node(),
          node({ node: 'Line2', state: 'offline', seq: null, bdSeq: 8, devices: [{ device: 'Press', state: 'offline', since: null, lastMessageAt: null, metricCount: 2 }] }),
        ]}
      />,
    );
    expect(html).toContain('data-testid="sparkplug-node" data-node="Plant1010/Line1" data-state="online"');
    expect(html).toContain('data-node="Plant1010/Line2" data-state="offline"');
    const t = text(html);
    for (const part of ['Sparkplug nodes', 'Plant1010/Line1', '(edge)', 'Online', '5 s ago', '41', '9', 'Offline', 'Press (offline, 2)']) expect(t).toContain(part);
    expect(html).toContain('tone-ok');
    expect(html).toContain('tone-bad');
  });

  it('says why data is refused while a rebirth is awaited, and when it was requested', () => {
    const html = renderToStaticMarkup(
      <SparkplugNodesPanel now={NOW} loadError={null} nodes={[node({ state: 'stale', awaitingRebirth: 'seq gap: expected 2, got 3', rebirthRequestedAt: '2026-11-25T10:00:20.000Z' })]} />,
    );
    expect(html).toContain('data-state="stale"');
    expect(html).toContain('tone-warn');
    expect(text(html)).toMatch(/Awaiting: seq gap: expected 2, got 3; requested \d\d:\d\d:\d\d/);
  });

  it('says when no node was seen, and when the list could not be read', () => {
    expect(text(renderToStaticMarkup(<SparkplugNodesPanel nodes={[]} now={NOW} loadError={null} />))).toContain('No Sparkplug edge node seen yet.');
    expect(renderToStaticMarkup(<SparkplugNodesPanel nodes={[]} now={NOW} loadError="agent restarting" />)).toContain('role="alert"');
  });
});
