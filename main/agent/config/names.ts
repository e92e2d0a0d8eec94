// Shared pieces of the configuration schema.
import { z } from 'zod';

/** A source name: used in idempotency keys, logs and the console. */
export const name = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits, dot, dash and underscore');
