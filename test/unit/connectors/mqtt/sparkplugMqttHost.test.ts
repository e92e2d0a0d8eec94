import { describe, expect, it } from 'vitest';
import {
  SparkplugHost, executeSparkplugActions, hostStateDeath, sparkplugHostSession, type SparkplugPublish,
} from '../../../../connectors/mqtt/sparkplug/index.js';
import { T0, nbirth, ndata, topic } from './sparkplugFixtures.js';

const json = (message: SparkplugPublish): unknown => JSON.parse(message.payload.toString('utf8'));

describe('sparkplugHostSession', () => {
  it('gives a retained QoS 1 will and birth on spBv1.0/STATE/{hostId} with the same timestamp', () => {
    const session = sparkplugHostSession('plantdesk-1010', T0);
    expect(session.will).toMatchObject({ topic: 'spBv1.0/STATE/plantdesk-1010', qos: 1, retain: true });
    expect(json(session.will)).toEqual({ online: false, timestamp: T0 });
    expect(session.birth).toMatchObject({ topic: 'spBv1.0/STATE/plantdesk-1010', qos: 1, retain: true });
    expect(json(session.birth)).toEqual({ online: true, timestamp: T0 });
    expect(json(hostStateDeath('plantdesk-1010', T0 + 5))).toEqual({ online: false, timestamp: T0 + 5 });
  });

  it('subscribes to births, data and deaths (not commands) and to its own STATE', () => {
    expect(sparkplugHostSession('h', T0, ['Plant1010']).subscriptions.map((s) => `${s.topic} q${s.qos}`)).toEqual([
      'spBv1.0/Plant1010/NBIRTH/+ q1',
      'spBv1.0/Plant1010/NDATA/+ q1',
      'spBv1.0/Plant1010/NDEATH/+ q1',
      'spBv1.0/Plant1010/DBIRTH/+/+ q1',
      'spBv1.0/Plant1010/DDATA/+/+ q1',
      'spBv1.0/Plant1010/DDEATH/+/+ q1',
      'spBv1.0/STATE/h q1',
    ]);
    expect(sparkplugHostSession('h', T0).subscriptions[0]?.topic).toBe('spBv1.0/+/NBIRTH/+');
  });

  it('refuses ids with wildcards or slashes', () => {
    expect(() => sparkplugHostSession('a/b', T0)).toThrow(RangeError);
    expect(() => sparkplugHostSession('', T0)).toThrow(RangeError);
    expect(() => sparkplugHostSession('h', T0, ['#'])).toThrow(/group id "#"/);
  });
});

describe('executeSparkplugActions', () => {
  it('publishes the rebirth NCMD the host asked for', async () => {
    const host = new SparkplugHost();
    const { actions } = host.consume(topic('NDATA'), ndata(1, 1), T0);
    const published: SparkplugPublish[] = [];
    const outcomes = await executeSparkplugActions(actions, (message) => void published.push(message));
    expect(published.map((m) => [m.topic, m.qos, m.retain])).toEqual([['spBv1.0/Plant1010/NCMD/Line1', 0, false]]);
    expect(outcomes).toMatchObject([{ ok: true, action: { kind: 'rebirth' } }]);
  });

  it('republishes the session birth when our own STATE says offline', async () => {
    const session = sparkplugHostSession('plantdesk-1010', T0);
    const host = new SparkplugHost({ hostId: session.hostId });
    const { actions } = host.consume(session.will.topic, session.will.payload, T0 + 1);
    const published: SparkplugPublish[] = [];
    await executeSparkplugActions(actions, (message) => void published.push(message), session);
    expect(published).toEqual([session.birth]);
    expect(await executeSparkplugActions(actions, () => undefined)).toMatchObject([{ ok: false, error: 'no session for host plantdesk-1010' }]);
  });

  it('reports a failed publish as an outcome and goes on with the rest', async () => {
    const host = new SparkplugHost();
    const first = host.consume(topic('NDATA'), ndata(1, 1), T0).actions;
    const second = host.consume('spBv1.0/Plant1010/NDATA/Line2', ndata(1, 1), T0).actions;
    let calls = 0;
    const outcomes = await executeSparkplugActions([...first, ...second], async () => {
      calls += 1;
      if (calls === 1) throw new Error('client disconnecting');
    });
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual(['client disconnecting', 'ok']);
  });

  it('sends nothing for accepted data', async () => {
    const host = new SparkplugHost();
    const birth = host.consume(topic('NBIRTH'), nbirth(0, 1), T0);
    expect(await executeSparkplugActions(birth.actions, () => { throw new Error('must not publish'); })).toEqual([]);
  });
});
