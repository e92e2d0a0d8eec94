// The console shows stale data truthfully: a 'Stale' badge on the line card and a 'Stale' connection state.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConnectionsList } from '../../../renderer/src/components/ConnectionsList.js';
import { LineCard } from '../../../renderer/src/components/LineCard.js';
import { connection, line } from './fixtures.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('stale on the console', () => {
  it('puts a Stale badge naming the stale signals on the line card, even when the last value is recent', () => {
    const html = renderToStaticMarkup(<LineCard status={line({ fresh: false, staleSignals: ['good', 'scrap'] })} ageS={2} />);
    expect(html).toContain('data-testid="stale-badge"');
    expect(html).toContain('data-fresh="false"');
    expect(html).toContain('title="No value for 3 expected periods: good, scrap"');
    expect(text(html)).toContain('Stale');
    expect(html).toContain('line-age stale');
  });

  it('shows no badge on a fresh line', () => {
    const html = renderToStaticMarkup(<LineCard status={line()} ageS={2} />);
    expect(html).not.toContain('stale-badge');
    expect(text(html)).not.toContain('Stale');
  });

  it('shows a connection whose socket is up but whose data is stale as Stale, with the reason', () => {
    const html = renderToStaticMarkup(<ConnectionsList connections={[connection({ state: 'stale', lastError: 'stale: no value from L1 good for 3 expected periods (5 s each)' })]} />);
    expect(html).toContain('data-state="stale"');
    expect(text(html)).toContain('Stale');
    expect(text(html)).toContain('no value from L1 good');
  });
});
