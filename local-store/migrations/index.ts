// Ordered list of schema migrations: index i brings user_version i to i + 1. Forward only.
import type Database from 'better-sqlite3';
import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-audit-and-counters.js';
import { migration0003 } from './0003-counter-accumulator.js';
import { migration0004 } from './0004-mapping-versions-and-replay.js';
import { migration0005 } from './0005-enterprise-cursor.js';
import { migration0006 } from './0006-exception-rules-and-retention.js';
import { migration0007 } from './0007-users-and-sessions.js';
import { migration0008 } from './0008-sync-postings-and-reconciliation.js';
import { migration0009 } from './0009-exception-corrections.js';

export const MIGRATIONS: readonly ((db: Database.Database) => void)[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009];
