// The capacity in the API: QueueCounts gets the measured rates, the drain ETA and the capacity object; Health gets
// the capacity and is degraded while it warns. Absent where no capacity monitor runs.
import { describe, expect, it } from 'vitest';
import type { CapacityStatus } from '../../../domain/index.js';
import { ApiService } from '../../../main/agent/apiService.js';
import { ConnectionRegistry } from '../../../main/agent/connectionRegistry.js';
import { Ingest } from '../../../main/agent/ingest.js';
import { LineMonitor } from '../../../main/agent/lineMonitor.js';
import { createLogger } from '../../../main/agent/logger.js';
import { mesConfirmation } from '../domain/fixtures.js';
import { openTempDb } from '../local-store/tempDb.js';

function status(overrides: Partial<CapacityStatus> = {}): CapacityStatus {
  return {
    usedMb: 10, budgetMb: 2048, effectiveBudgetMb: 2048, usedPct: 0.5, diskFreeMb: 1000, businessMbPerHour: 1, telemetryMbPerHour: 2, bufferHoursLeft: 2000,
    hoursToBudget: 600, telemetryShed: 0, telemetryNotStored: 0, intakePaused: false, reason: null, pausedSince: null, heldMessages: 0, warning: null,
    lastError: null, nextRetryAt: null, ...overrides,
  };
}

function api(capacity?: { status(): CapacityStatus; rates(): { postRatePerMin: number; arrivalRatePerMin: number } }): ApiService {
  const db = openTempDb();
  const ingest = new Ingest(db, createLogger('silent'));
  for (let i = 0; i < 30; i++) ingest.commitMqtt({ source: 'mes', topic: 't', type: 'confirmation', payload: Buffer.from(JSON.stringify(mesConfirmation({ messageId: `m${i}` }))), receivedAt: Date.now() });
  return new ApiService({ db, lines: new LineMonitor(), connections: new ConnectionRegistry(), plant: '1010', version: 't', demo: false, startedAt: Date.now(), ...(capacity ? { capacity } : {}) });
}

describe('capacity in the API', () => {
  it('adds rates, drain ETA and capacity to the queue counts', async () => {
    let current = status();
    const service = api({ status: () => current, rates: () => ({ postRatePerMin: 12, arrivalRatePerMin: 6 }) });
    // 30 pending, shrinking by 6 a minute: 5 minutes.
    expect(await service.getQueue()).toMatchObject({ mapped: 30, postRatePerMin: 12, arrivalRatePerMin: 6, drainEtaS: 300, capacity: current });
    expect((await service.getDashboard()).queue.drainEtaS).toBe(300);
    const healthy = await service.getHealth();
    expect(healthy.status).toBe('ok');
    expect(healthy.capacity).toEqual(current);

    current = status({ intakePaused: true, reason: 'disk-full', warning: 'Disk full: the store cannot write.' });
    const health = await service.getHealth();
    expect(health.status).toBe('degraded');
    expect(health.capacity?.reason).toBe('disk-full');
    expect((await service.getQueue()).capacity?.intakePaused).toBe(true);
  });

  it('has no estimate while nothing is posted, and leaves the fields out without a monitor', async () => {
    expect((await api({ status: () => status(), rates: () => ({ postRatePerMin: 0, arrivalRatePerMin: 6 }) }).getQueue()).drainEtaS).toBeNull();
    const plain = await api().getQueue();
    expect(plain).not.toHaveProperty('capacity');
    expect(plain).not.toHaveProperty('drainEtaS');
    expect((await api().getHealth())).not.toHaveProperty('capacity');
  });
});
