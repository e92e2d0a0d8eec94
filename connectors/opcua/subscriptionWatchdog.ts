// Subscription watchdog: a live OPC UA subscription sends a notification or a keep-alive at least every
// publishingInterval x maxKeepAliveCount. node-opcua repairs a lost channel or session by itself, but a subscription
// the server dropped while the session lived on (or a repair that never completes) stays silent forever. After
// `misses` keep-alive periods without a sign of life, while the channel is up, the watchdog calls onSilent (the
// source then recreates session and subscription).

export interface SubscriptionWatchdogOptions {
  /** publishingInterval x maxKeepAliveCount: the longest a healthy subscription stays quiet. */
  readonly keepAlivePeriodMs: number;
  /** Keep-alive periods without a sign of life before onSilent. Default 3. */
  readonly misses?: number;
  readonly onSilent: (silentForMs: number) => Promise<void>;
  readonly now?: () => number;
}

export class SubscriptionWatchdog {
  private lastAlive: number;
  private paused = true;
  private recovering = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly limitMs: number;

  constructor(private readonly options: SubscriptionWatchdogOptions) {
    this.now = options.now ?? Date.now;
    this.lastAlive = this.now();
    this.limitMs = options.keepAlivePeriodMs * (options.misses ?? 3);
  }

  /** A notification or keep-alive arrived. */
  alive(): void {
    this.lastAlive = this.now();
  }

  /** The channel is down: node-opcua is reconnecting, silence is expected. */
  pause(): void {
    this.paused = true;
  }

  /** The channel (and a subscription) is up again; silence counts from now. */
  resume(): void {
    this.paused = false;
    this.lastAlive = this.now();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), Math.max(100, Math.floor(this.options.keepAlivePeriodMs / 2)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.paused = true;
  }

  /** Exposed for tests; the timer calls it. */
  async check(): Promise<void> {
    if (this.paused || this.recovering) return;
    const silentFor = this.now() - this.lastAlive;
    if (silentFor <= this.limitMs) return;
    this.recovering = true;
    try {
      await this.options.onSilent(silentFor);
    } finally {
      this.recovering = false;
      this.lastAlive = this.now();
    }
  }
}
