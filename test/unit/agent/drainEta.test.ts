// The arithmetic of the drain ETA and the hours of buffer left.
import { describe, expect, it } from 'vitest';
import { backlogEtaS, bufferHoursLeft, drainEtaS, formatHours, hoursToBudget } from '../../../main/agent/drainEta.js';

describe('drainEtaS', () => {
  it('is 0 when nothing waits, whatever the rates', () => {
    expect(drainEtaS({ pending: 0, postRatePerMin: 0, arrivalRatePerMin: 50 })).toBe(0);
  });

  it('has no estimate while nothing was posted lately (ERP down)', () => {
    expect(drainEtaS({ pending: 500, postRatePerMin: 0, arrivalRatePerMin: 10 })).toBeNull();
  });

  it('divides the backlog by what posting gains on arrivals', () => {
    // 600 waiting, 120 posted and 60 arriving a minute: the queue shrinks by 60 a minute, 10 minutes.
    expect(drainEtaS({ pending: 600, postRatePerMin: 120, arrivalRatePerMin: 60 })).toBe(600);
    expect(drainEtaS({ pending: 600, postRatePerMin: 120, arrivalRatePerMin: 0 })).toBe(300);
  });

  it('uses the posting rate alone for a live queue that keeps up (less than a minute of posting waits)', () => {
    expect(drainEtaS({ pending: 3, postRatePerMin: 60, arrivalRatePerMin: 60 })).toBe(3);
    expect(drainEtaS({ pending: 3, postRatePerMin: 60, arrivalRatePerMin: 70 })).toBe(3);
  });

  it('has no estimate for a backlog that does not shrink', () => {
    expect(drainEtaS({ pending: 5000, postRatePerMin: 60, arrivalRatePerMin: 60 })).toBeNull();
    expect(drainEtaS({ pending: 5000, postRatePerMin: 60, arrivalRatePerMin: 90 })).toBeNull();
  });
});

describe('bufferHoursLeft', () => {
  const mb = 1024 * 1024;

  it('counts the room under the budget and the telemetry that can be shed, at the business rate', () => {
    // 40 MB room + 20 MB telemetry, 10 MB of business records an hour: 6 h (telemetry's own rate does not matter).
    expect(bufferHoursLeft({ budgetBytes: 100 * mb, usedBytes: 60 * mb, telemetryBytes: 20 * mb, businessBytesPerHour: 10 * mb, telemetryBytesPerHour: 30 * mb })).toBe(6);
    expect(bufferHoursLeft({ budgetBytes: 100 * mb, usedBytes: 60 * mb, telemetryBytes: 20 * mb, businessBytesPerHour: 10 * mb, telemetryBytesPerHour: 0 })).toBe(6);
  });

  it('is null while no business record arrives, and 0 with no room and nothing to shed', () => {
    expect(bufferHoursLeft({ budgetBytes: 100, usedBytes: 60, telemetryBytes: 0, businessBytesPerHour: 0, telemetryBytesPerHour: 50 })).toBeNull();
    expect(bufferHoursLeft({ budgetBytes: 100, usedBytes: 120, telemetryBytes: 0, businessBytesPerHour: 10, telemetryBytesPerHour: 0 })).toBe(0);
    expect(bufferHoursLeft({ budgetBytes: 100, usedBytes: 120, telemetryBytes: 30, businessBytesPerHour: 10, telemetryBytesPerHour: 0 })).toBe(3);
  });
});

describe('hoursToBudget', () => {
  it('fills the room at business plus telemetry rate', () => {
    expect(hoursToBudget({ budgetBytes: 100, usedBytes: 60, businessBytesPerHour: 10, telemetryBytesPerHour: 30 })).toBe(1);
    expect(hoursToBudget({ budgetBytes: 100, usedBytes: 60, businessBytesPerHour: 0, telemetryBytesPerHour: 0 })).toBeNull();
    expect(hoursToBudget({ budgetBytes: 100, usedBytes: 100, businessBytesPerHour: 0, telemetryBytesPerHour: 0 })).toBe(0);
  });
});

describe('formatHours', () => {
  it('reads as minutes, hours or days', () => {
    expect(formatHours(0.25)).toBe('15 min');
    expect(formatHours(0.001)).toBe('1 min');
    expect(formatHours(3.46)).toBe('3.5 h');
    expect(formatHours(72)).toBe('3 d');
  });
});

describe('backlogEtaS', () => {
  it('divides what is left by the rate since the drain began', () => {
    expect(backlogEtaS({ done: 250, total: 1000, elapsedS: 10 })).toBe(30);
  });
  it('has no estimate before anything was finished, and is 0 when all is', () => {
    expect(backlogEtaS({ done: 0, total: 1000, elapsedS: 10 })).toBeNull();
    expect(backlogEtaS({ done: 1000, total: 1000, elapsedS: 10 })).toBe(0);
  });
});
