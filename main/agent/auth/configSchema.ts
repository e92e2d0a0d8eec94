// The `auth:` section of the configuration: session lifetimes and login lockout (README, "Users and roles").
import { z } from 'zod';

export const AuthConfigSchema = z.strictObject({
  /** A session unused for this long ends (minutes); default 60. */
  idleTimeoutMin: z.number().int().min(1).max(24 * 60).default(60),
  /** A session ends this long after its login, whatever happens (hours); default 13: a 12 h shift and its handover. */
  sessionMaxHours: z.number().min(0.25).max(7 * 24).default(13),
  /** This many failed logins in a row lock an account; default 5. */
  lockoutAfterFailures: z.number().int().min(1).max(100).default(5),
  /** For this long (minutes); an admin's password reset unlocks it at once; default 5. */
  lockoutMin: z.number().min(0.1).max(24 * 60).default(5),
});

export type AuthConfig = z.output<typeof AuthConfigSchema>;
