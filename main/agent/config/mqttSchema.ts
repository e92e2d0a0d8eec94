// Configuration of MQTT sources.
import { z } from 'zod';
import { name } from './names.js';

export const MqttSourceSchema = z.strictObject({
  name,
  url: z.string().regex(/^(mqtt|mqtts|ws|wss|tcp|tls):\/\/.+/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
  clientId: z.string().min(1).max(64),
  username: z.string().optional(),
  password: z.string().optional(),
  topics: z.array(z.strictObject({ filter: z.string().min(1), type: z.enum(['confirmation', 'quality']) })).min(1),
});
