import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../../../connectors/mqtt/index.js';

describe('topicMatches', () => {
  it.each([
    // exact
    ['plant/1010/L1/confirmation', 'plant/1010/L1/confirmation', true],
    ['plant/1010/L1/confirmation', 'plant/1010/L2/confirmation', false],
    ['plant/1010/L1/confirmation', 'Plant/1010/L1/confirmation', false],
    // + matches exactly one level, including an empty one
    ['plant/+/+/confirmation', 'plant/1010/L1/confirmation', true],
    ['plant/+/confirmation', 'plant/1010/L1/confirmation', false],
    ['plant/+', 'plant/', true],
    ['plant/+', 'plant', false],
    ['+/+', '/x', true],
    // # matches the rest, including the parent level itself
    ['plant/#', 'plant/1010/L1/confirmation', true],
    ['plant/#', 'plant', true],
    ['plant/1010/#', 'plant/1020/L1', false],
    ['#', 'anything/at/all', true],
    ['plant/+/L1/#', 'plant/1010/L1/quality/extra', true],
    // level count mismatch
    ['plant/1010', 'plant/1010/L1', false],
    ['plant/1010/L1', 'plant/1010', false],
    ['plant/1010/', 'plant/1010', false],
  ])('filter %s, topic %s -> %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
