// Structured JSON logs (pino). Every record about an event carries its correlationId, so one grep follows a
// confirmation from the MQTT message to the ERP document.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { app: 'plantdesk' }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? process.stdout);
}
