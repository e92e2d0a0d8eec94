// The capacity banner and the drain ETA on the queue tile, rendered to static markup.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CapacityStatus } from '../../../domain/api.js';
import { CapacityBanner } from '../../../renderer/src/components/CapacityBanner.js';
import { QueueTiles } from '../../../renderer/src/components/QueueTiles.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

function capacity(overrides: Partial<CapacityStatus> = {}): CapacityStatus {
  return {
    usedMb: 1700, budgetMb: 2048, effectiveBudgetMb: 2048, usedPct: 83, diskFreeMb: 50_000, businessMbPerHour: 20, telemetryMbPerHour: 80,
    bufferHoursLeft: 6.5, hoursToBudget: 3.5, telemetryShed: 0, telemetryNotStored: 0, intakePaused: false, reason: null, pausedSince: null,
    heldMessages: 0, warning: null, lastError: null, nextRetryAt: null, ...overrides,
  };
}

describe('CapacityBanner', () => {
  it('shows nothing while all is well, or before the agent said anything', () => {
    expect(renderToStaticMarkup(<CapacityBanner capacity={capacity()} drainEtaS={null} />)).toBe('');
    expect(renderToStaticMarkup(<CapacityBanner capacity={null} drainEtaS={null} />)).toBe('');
  });

  it('warns near the budget with the hours of buffer left, the size and the drain ETA', () => {
    const html = renderToStaticMarkup(<CapacityBanner capacity={capacity({ warning: 'Buffer at 83 % of its 2,048 MB budget: about 6.5 h of buffer left at the current rate.' })} drainEtaS={1500} />);
    expect(text(html)).toContain('Buffer filling');
    expect(text(html)).toContain('about 6.5 h of buffer left');
    expect(text(html)).toContain('1,700 of 2,048 MB');
    expect(text(html)).toContain('6 h 30 min of buffer left');
    expect(text(html)).toContain('queue to ERP drains in 25 min');
    expect(html).toContain('tone-warn');
    expect(html).toContain('role="alert"');
  });

  it('shows a paused intake as bad, with what is held and what was shed', () => {
    const html = renderToStaticMarkup(<CapacityBanner capacity={capacity({ intakePaused: true, reason: 'budget', telemetryShed: 123_456, heldMessages: 20, warning: 'Disk budget reached.' })} drainEtaS={null} />);
    expect(text(html)).toContain('Intake paused');
    expect(text(html)).toContain('123,456 telemetry rows shed');
    expect(text(html)).toContain('20 messages held, not acknowledged');
    expect(text(html)).not.toContain('drains in');
    expect(html).toContain('tone-bad');
    expect(html).toContain('data-reason="budget"');
  });

  it("says 'Disk full' for SQLITE_FULL", () => {
    const html = renderToStaticMarkup(<CapacityBanner capacity={capacity({ intakePaused: true, reason: 'disk-full', warning: 'Disk full: the store cannot write.' })} drainEtaS={null} />);
    expect(text(html)).toContain('Disk full');
    expect(html).toContain('data-reason="disk-full"');
  });
});

describe('QueueTiles drain ETA', () => {
  it('adds the drain ETA to the pending note when known', () => {
    expect(text(renderToStaticMarkup(<QueueTiles pending={600} posted={1} exceptions={0} rejected={0} oldestPendingAgeS={90} drainEtaS={600} />))).toContain('oldest 1 min · drains in 10 min');
    expect(text(renderToStaticMarkup(<QueueTiles pending={600} posted={1} exceptions={0} rejected={0} oldestPendingAgeS={90} drainEtaS={null} />))).not.toContain('drains');
  });
});
