import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SubscriptionWatchdog } from '../../../../connectors/opcua/subscriptionWatchdog.js';

describe('SubscriptionWatchdog', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('calls onSilent after 3 keep-alive periods without a sign of life while the channel is up, once per silence', async () => {
    const onSilent = vi.fn<(silentForMs: number) => Promise<void>>(async () => undefined);
    const w = new SubscriptionWatchdog({ keepAlivePeriodMs: 1000, onSilent });
    w.start();
    w.resume();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(900);
      w.alive();
    }
    expect(onSilent).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3600);
    expect(onSilent).toHaveBeenCalledTimes(1);
    expect(onSilent.mock.calls[0]![0]).toBeGreaterThan(3000);
    // After a recovery, silence counts from its end.
    await vi.advanceTimersByTimeAsync(2500);
    expect(onSilent).toHaveBeenCalledTimes(1);
    w.stop();
  });

  it('stays quiet while paused (the channel is down and node-opcua reconnects) and counts from resume', async () => {
    const onSilent = vi.fn(async () => undefined);
    const w = new SubscriptionWatchdog({ keepAlivePeriodMs: 1000, onSilent });
    w.start();
    w.resume();
    w.pause();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(onSilent).not.toHaveBeenCalled();
    w.resume();
    await vi.advanceTimersByTimeAsync(2900);
    expect(onSilent).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(700);
    expect(onSilent).toHaveBeenCalledTimes(1);
    w.stop();
  });

  it('does not start a second recovery while one is running', async () => {
    let finish: () => void = () => undefined;
    const onSilent = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const w = new SubscriptionWatchdog({ keepAlivePeriodMs: 1000, onSilent });
    w.start();
    w.resume();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(onSilent).toHaveBeenCalledTimes(1);
    finish();
    w.stop();
  });
});
