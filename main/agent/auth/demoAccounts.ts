// Accounts of the demo plant (`plantdesk console` without --config) so the demo and the e2e tests can log in.
// Demo only: the agent creates them only when it runs the demo, whose buffer is a fresh temporary folder.
import type { Role } from '../../../domain/index.js';

export interface SeedAccount {
  readonly name: string;
  readonly password: string;
  readonly roles: readonly Role[];
}

/** Documented in the README as demo-only; one per role. */
export const DEMO_ACCOUNTS: readonly SeedAccount[] = [
  { name: 'operator', password: 'demo-operator', roles: ['operator'] },
  { name: 'supervisor', password: 'demo-supervisor', roles: ['supervisor'] },
  { name: 'engineer', password: 'demo-engineer', roles: ['engineer'] },
  { name: 'admin', password: 'demo-admin-1', roles: ['admin'] },
];
