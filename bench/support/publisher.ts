// A separate publisher process for benchmarks: publishes N QoS 1 JSON confirmations (~300 bytes) as fast as the
// broker accepts them, then prints {"published":N,"seconds":S}. Usage: node publisher.js URL TOPIC N RUN_ID
import mqtt from 'mqtt';

const [url, topic, countText, runId] = process.argv.slice(2);
const count = Number(countText);
if (!url || !topic || !Number.isInteger(count) || !runId) {
  console.error('usage: publisher.js URL TOPIC N RUN_ID');
  process.exit(2);
}

function payload(seq: number): string {
  return JSON.stringify({
    messageId: `${runId}-${seq}`, plant: '1010', line: 'L1', orderId: '1000001', operation: '0010', workCenter: 'WC-L1',
    material: 'FG-100', yield: 12, scrap: 1, unit: 'PC', final: false, start: '2026-11-25T10:00:00.000Z', end: '2026-11-25T10:00:05.000Z',
  });
}

const client = await mqtt.connectAsync(url, { clientId: `bench-pub-${runId}`, clean: true });
const start = process.hrtime.bigint();
// Keep a window of messages in flight, as a busy MES would, instead of waiting for each PUBACK.
const WINDOW = 200;
let next = 0;
await new Promise<void>((resolve, reject) => {
  let done = 0;
  const sendOne = (): void => {
    const seq = next++;
    client.publish(topic, payload(seq), { qos: 1 }, (error) => {
      if (error) return reject(error);
      done++;
      if (done === count) resolve();
      else if (next < count) sendOne();
    });
  };
  for (let i = 0; i < Math.min(WINDOW, count); i++) sendOne();
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
await client.endAsync();
console.log(JSON.stringify({ published: count, seconds }));
