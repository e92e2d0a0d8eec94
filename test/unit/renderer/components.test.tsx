// Presentational components rendered to static markup: what the supervisor reads, without a browser.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConnectionsList } from '../../../renderer/src/components/ConnectionsList.js';
import { Header } from '../../../renderer/src/components/Header.js';
import { LineCard } from '../../../renderer/src/components/LineCard.js';
import { QueueTiles } from '../../../renderer/src/components/QueueTiles.js';
import { RateChart } from '../../../renderer/src/components/RateChart.js';
import { RecentRecords } from '../../../renderer/src/components/RecentRecords.js';
import { connection, line, record } from './fixtures.js';

/** Text content with tags stripped and whitespace collapsed. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('LineCard', () => {
  it('shows a down line as text, icon and tone, with its reason', () => {
    const html = renderToStaticMarkup(<LineCard status={line({ state: 'down', stateReason: 'Jam at infeed conveyor' })} ageS={3} />);
    expect(text(html)).toContain('Down');
    expect(text(html)).toContain('Jam at infeed conveyor');
    expect(html).toContain('data-state="down"');
    expect(html).toContain('tone-bad');
    expect(html).toMatch(/<svg class="icon"/);
  });

  it.each([
    ['running', 'Running'],
    ['idle', 'Idle'],
    ['unknown', 'Unknown'],
  ] as const)('labels a %s line "%s"', (state, label) => {
    expect(text(renderToStaticMarkup(<LineCard status={line({ state })} ageS={1} />))).toContain(label);
  });

  it('shows order, good and scrap in tabular numerals and the age of the data', () => {
    const html = renderToStaticMarkup(<LineCard status={line({ good: 12345, scrap: 67 })} ageS={125} />);
    expect(html).toMatch(/<span class="count-value num" data-testid="good-count">12,345<\/span>/);
    expect(html).toMatch(/data-testid="scrap-count">67</);
    expect(text(html)).toContain('1000123');
    expect(text(html)).toContain('Last data 2 min ago (stale)');
  });

  it('says so when a line never reported and counts are unknown', () => {
    const html = renderToStaticMarkup(<LineCard status={line({ good: null, scrap: null, orderId: null, lastDataAt: null })} ageS={null} />);
    expect(text(html)).toContain('Last data never');
    expect(html).toMatch(/data-testid="good-count">—</);
  });
});

describe('RecentRecords', () => {
  it('shows the ERP document of a posted record in its own cell', () => {
    const html = renderToStaticMarkup(<RecentRecords records={[record({ erpDocument: '0000000012/00000003' })]} />);
    expect(html).toContain('data-testid="record-row" data-status="posted"');
    expect(html).toMatch(/data-testid="erp-document">0000000012\/00000003</);
    expect(text(html)).toContain('Posted');
  });

  it('shows why an exception was raised, in plain words, and no ERP document', () => {
    const reasons = [{ code: 'UNIT_MISMATCH', message: "Unit KG does not match the order's unit PC.", fields: ['unit'] }];
    const html = renderToStaticMarkup(<RecentRecords records={[record({ status: 'exception', erpDocument: null, reasons })]} />);
    expect(html).toContain('data-status="exception"');
    expect(text(html)).toContain('Unit KG does not match the order&#x27;s unit PC.');
    expect(html).toMatch(/data-testid="erp-document"><\/td>/);
    expect(text(html)).toContain('Exception');
  });

  it('shows scrap next to the quantity and an empty state without records', () => {
    expect(text(renderToStaticMarkup(<RecentRecords records={[record({ quantity: 1200, scrap: 3 })]} />))).toContain('1,200 +3 scrap');
    expect(text(renderToStaticMarkup(<RecentRecords records={[]} />))).toContain('No records yet.');
  });
});

describe('QueueTiles', () => {
  it('shows the four counts and flags exceptions and rejected messages', () => {
    const html = renderToStaticMarkup(<QueueTiles pending={7} posted={1500} exceptions={2} rejected={0} oldestPendingAgeS={90} />);
    expect(text(html)).toContain('Pending 7 oldest 1 min');
    expect(text(html)).toContain('Posted 1,500');
    expect(html).toMatch(/tile tile-exceptions tile-alert/);
    expect(html).toMatch(/tile tile-rejected"/);
  });
});

describe('ConnectionsList', () => {
  it('shows kind, state as icon and text, endpoint and the last error', () => {
    const html = renderToStaticMarkup(
      <ConnectionsList
        connections={[connection(), connection({ id: 'erp', kind: 'erp', name: 'SAP', endpoint: 'https://erp.example/sap', state: 'error', lastError: 'HTTP 503' })]}
      />,
    );
    expect(text(html)).toContain('OPC UA Demo PLC Connected');
    expect(text(html)).toContain('ERP SAP Error');
    expect(text(html)).toContain('https://erp.example/sap');
    expect(text(html)).toContain('Last error: HTTP 503');
    expect(html.match(/<svg class="icon"/g)).toHaveLength(2);
  });
});

describe('Header', () => {
  it('names the product and plant and says when the agent is unreachable', () => {
    const html = renderToStaticMarkup(<Header plant="1000" demo={false} version="0.1.0" link="closed" snapshotAt={null} />);
    expect(text(html)).toContain('PlantDesk');
    expect(text(html)).toContain('Plant 1000');
    expect(text(html)).toContain('Agent unreachable');
    expect(html).toContain('data-link="closed"');
  });
});

describe('RateChart', () => {
  it('waits for two points before drawing, and names every line in the legend', () => {
    const html = renderToStaticMarkup(<RateChart data={{ bucketS: 10, series: [{ key: 's0', line: 'L1' }, { key: 's1', line: 'L2.A' }], rows: [] }} />);
    expect(text(html)).toContain('Collecting rate data');
    expect(text(html)).toContain('L1 L2.A');
  });
});
