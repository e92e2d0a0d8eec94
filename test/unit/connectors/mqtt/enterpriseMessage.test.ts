// The enterprise topic namespace and body (docs/ENTERPRISE-TOPICS.md): what consumers of many plants rely on.
import { describe, expect, it } from 'vitest';
import { enterpriseMessage, enterpriseTopic, topicLevel, type EnterpriseChange } from '../../../../connectors/mqtt/index.js';
import { confirmation, quality } from '../../domain/fixtures.js';

const options = { topicPrefix: 'acme/plantdesk', plant: '1010', origin: 'plantdesk-1010-pub' };

function change(overrides: Partial<EnterpriseChange> = {}): EnterpriseChange {
  return {
    sequence: 42, previousSequence: 40, eventId: 'ev-1', kind: 'confirmation', status: 'ready', event: confirmation(), reasons: [], erpDocument: null,
    correlationId: 'corr-1', receivedAt: Date.UTC(2025, 2, 4, 7, 0, 1), statusAt: Date.UTC(2025, 2, 4, 7, 0, 2), ...overrides,
  };
}

describe('enterprise topics', () => {
  it('are {prefix}/v1/{plant}/{line}/{kind}', () => {
    expect(enterpriseTopic(options, 'L1', 'confirmation')).toBe('acme/plantdesk/v1/1010/L1/confirmation');
    expect(enterpriseMessage(change({ kind: 'quality', event: quality({ line: 'L7' }) }), options).topic).toBe('acme/plantdesk/v1/1010/L7/quality');
  });

  it('keep a line one level and free of wildcards: / + # % and control characters are percent-encoded', () => {
    expect(topicLevel('Press 3')).toBe('Press 3');
    expect(topicLevel('A/B')).toBe('A%2FB');
    expect(topicLevel('+#%')).toBe('%2B%23%25');
    expect(topicLevel('a\u0000b\n')).toBe('a%00b%0A');
    expect(topicLevel('')).toBe('_');
    expect(enterpriseTopic(options, 'L/+', 'quality')).toBe('acme/plantdesk/v1/1010/L%2F%2B/quality');
  });
});

describe('enterprise message body', () => {
  it('carries schema, plant, origin, sequence and the previous one, ids, status and its time, and the canonical event', () => {
    const { payload } = enterpriseMessage(change(), options);
    expect(JSON.parse(payload)).toEqual({
      schema: 'plantdesk.event.v1', plant: '1010', origin: 'plantdesk-1010-pub', sequence: 42, previousSequence: 40, eventId: 'ev-1', correlationId: 'corr-1',
      kind: 'confirmation', status: 'ready', statusAt: '2025-03-04T07:00:02.000Z', receivedAt: '2025-03-04T07:00:01.000Z',
      event: confirmation(),
    });
  });

  it('adds the ERP document once posted and the rule violations of an exception', () => {
    const posted = JSON.parse(enterpriseMessage(change({ status: 'posted', erpDocument: '0000000012/00000003' }), options).payload) as Record<string, unknown>;
    expect(posted.erpDocument).toBe('0000000012/00000003');
    expect(posted).not.toHaveProperty('reasons');
    const reasons = [{ code: 'ORDER_UNKNOWN', message: 'Order 1000001 is not known.', fields: ['orderId'] }];
    const exception = JSON.parse(enterpriseMessage(change({ status: 'exception', reasons }), options).payload) as Record<string, unknown>;
    expect(exception.reasons).toEqual(reasons);
    expect(exception).not.toHaveProperty('erpDocument');
  });

  it('is the same bytes every time for the same change', () => {
    expect(enterpriseMessage(change(), options)).toEqual(enterpriseMessage(change(), options));
  });
});
