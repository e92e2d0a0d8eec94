// A steady MES for the crash harness: publishes QoS 1 confirmations (messageId crash-<seq>) at a fixed rate
// with a bounded window in flight, and remembers which ones the broker acknowledged (PUBACK to the publisher).
import mqtt, { type MqttClient } from 'mqtt';

const TICK_MS = 10;
const WINDOW = 100;

function confirmation(seq: number): string {
  return JSON.stringify({
    messageId: `crash-${seq}`, plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', workCenter: 'WC-L1',
    yield: 1, scrap: 0, unit: 'PC', final: false, start: new Date(Date.now() - 5000).toISOString(), end: new Date().toISOString(),
  });
}

export class ConfirmationPublisher {
  private readonly ackedFlags: boolean[] = [];
  private ackedCount = 0;
  private published = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = performance.now();

  private constructor(private readonly client: MqttClient, private readonly topic: string, private readonly perSecond: number) {}

  /** Connects (clean session: the publisher's own queue is not what is tested) and starts publishing. */
  static async start(url: string, topic: string, perSecond: number): Promise<ConfirmationPublisher> {
    const client = await mqtt.connectAsync(url, { clientId: `crash-publisher-${process.pid}`, clean: true });
    const publisher = new ConfirmationPublisher(client, topic, perSecond);
    publisher.timer = setInterval(() => publisher.tick(), TICK_MS);
    return publisher;
  }

  /** Messages the broker has acknowledged so far. */
  get acked(): number {
    return this.ackedCount;
  }

  /** The sequence numbers acknowledged, ascending. */
  ackedSeqs(): number[] {
    return this.ackedFlags.flatMap((acked, seq) => (acked ? [seq] : []));
  }

  /** Stops publishing and waits for the acknowledgements of what is in flight; then disconnects. */
  async stop(): Promise<void> {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + 10_000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await this.client.endAsync();
  }

  private tick(): void {
    const due = Math.floor(((performance.now() - this.startedAt) / 1000) * this.perSecond);
    while (this.published < due && this.inFlight < WINDOW) {
      const seq = this.published++;
      this.inFlight++;
      this.client.publish(this.topic, confirmation(seq), { qos: 1 }, (error) => {
        this.inFlight--;
        if (error) return;
        this.ackedFlags[seq] = true;
        this.ackedCount++;
      });
    }
  }
}
