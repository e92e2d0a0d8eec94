// Logins, sessions and lockout on a real SQLite file with an injected clock; every login audited in the hash chain.
import { statSync, readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listAudit, verifyAudit } from '../../../../local-store/index.js';
import { ApiFailure } from '../../../../main/agent/apiFailure.js';
import { SETUP_CODE_FILE } from '../../../../main/agent/auth/setupCode.js';
import { authFixture, PASSWORD, seedUsers } from './authFixture.js';

const MIN = 60_000;

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<ApiFailure> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof ApiFailure) return error;
    throw error;
  }
  throw new Error('expected an ApiFailure');
}

describe('sessions', () => {
  it('logs in with the right password only, and resolves the token to the user and roles', async () => {
    const { auth } = authFixture();
    await seedUsers(auth, [['supervisor', 'engineer']]);
    const session = await auth.login({ user: 'supervisor+engineer', password: PASSWORD });
    expect(session).toMatchObject({ user: 'supervisor+engineer', roles: ['supervisor', 'engineer'], idleTimeoutS: 3600 });
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.authenticate(session.token)).toMatchObject({ user: 'supervisor+engineer', roles: ['supervisor', 'engineer'] });
    const wrong = await failure(auth.login({ user: 'supervisor+engineer', password: 'not the password' }));
    expect([wrong.code, wrong.message]).toEqual(['unauthorized', 'wrong user name or password']);
    const unknown = await failure(auth.login({ user: 'nobody', password: PASSWORD }));
    expect(unknown.message).toBe('wrong user name or password');
  });

  it('keeps only a hash of the token in the database', async () => {
    const { auth, db } = authFixture();
    await seedUsers(auth, [['operator']]);
    const { token } = await auth.login({ user: 'operator', password: PASSWORD });
    const dump = JSON.stringify(db.prepare('SELECT * FROM app_session').all()) + JSON.stringify(db.prepare('SELECT * FROM app_user').all());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(PASSWORD);
  });

  it('ends a session after the idle timeout, and use keeps it alive', async () => {
    const { auth, clock } = authFixture({ idleTimeoutMin: 30 });
    await seedUsers(auth, [['supervisor']]);
    const { token } = await auth.login({ user: 'supervisor', password: PASSWORD });
    clock.now += 29 * MIN;
    auth.authenticate(token); // use: the idle clock starts again
    clock.now += 29 * MIN;
    expect(auth.authenticate(token).user).toBe('supervisor');
    clock.now += 30 * MIN;
    const expired = await failure(() => auth.authenticate(token));
    expect([expired.code, expired.message]).toEqual(['unauthorized', 'your session expired after 30 min without use; log in again']);
  });

  it('ends a session at its absolute limit however busy it is (default 13 h: a 12 h shift and the handover)', async () => {
    const { auth, clock } = authFixture();
    await seedUsers(auth, [['supervisor']]);
    const session = await auth.login({ user: 'supervisor', password: PASSWORD });
    expect(Date.parse(session.expiresAt) - clock.now).toBe(13 * 60 * MIN);
    for (let h = 0; h < 13 * 2 - 1; h++) {
      clock.now += 30 * MIN;
      auth.authenticate(session.token);
    }
    clock.now += 30 * MIN;
    expect((await failure(() => auth.authenticate(session.token))).message).toBe('your session expired: sessions last at most 13 h; log in again');
  });

  it('refuses a missing, unknown or logged-out token with a clear message', async () => {
    const { auth } = authFixture();
    await seedUsers(auth, [['operator']]);
    expect((await failure(() => auth.authenticate(undefined))).message).toBe('log in first');
    expect((await failure(() => auth.authenticate('not-a-token'))).message).toMatch(/^your session expired or is not known/);
    const { token } = await auth.login({ user: 'operator', password: PASSWORD });
    auth.logout(auth.authenticate(token));
    expect((await failure(() => auth.authenticate(token))).message).toMatch(/^your session expired: it was ended \(logout/);
  });

  it('applies role changes and disabling at once, and a disable ends the sessions', async () => {
    const { auth } = authFixture();
    await seedUsers(auth, [['admin'], ['operator']]);
    const admin = auth.authenticate((await auth.login({ user: 'admin', password: PASSWORD })).token);
    const { token } = await auth.login({ user: 'operator', password: PASSWORD });
    auth.users.setRoles({ user: 'operator', roles: ['operator', 'supervisor'] }, admin);
    expect(auth.authenticate(token).roles).toEqual(['operator', 'supervisor']);
    auth.users.disable({ user: 'operator', reason: 'left the company' }, admin);
    expect((await failure(() => auth.authenticate(token))).code).toBe('unauthorized');
    expect((await failure(auth.login({ user: 'operator', password: PASSWORD }))).message).toBe('the account operator is disabled; ask an administrator');
  });

  it('locks an account after repeated failures, even for the right password, until the lockout ends or a reset', async () => {
    const { auth, clock } = authFixture({ lockoutAfterFailures: 3, lockoutMin: 5 });
    await seedUsers(auth, [['admin'], ['supervisor']]);
    for (let i = 0; i < 3; i++) await failure(auth.login({ user: 'supervisor', password: 'guess number ' + i }));
    const locked = await failure(auth.login({ user: 'supervisor', password: PASSWORD }));
    expect(locked.message).toBe('the account supervisor is locked after 3 failed logins; try again in 5 min or ask an administrator to reset the password');
    clock.now += 5 * MIN;
    expect((await auth.login({ user: 'supervisor', password: PASSWORD })).user).toBe('supervisor');
    for (let i = 0; i < 3; i++) await failure(auth.login({ user: 'supervisor', password: 'guess again ' + i }));
    const admin = auth.authenticate((await auth.login({ user: 'admin', password: PASSWORD })).token);
    await auth.users.resetPassword({ user: 'supervisor', password: 'a brand new password' }, admin);
    expect((await auth.login({ user: 'supervisor', password: 'a brand new password' })).user).toBe('supervisor');
  });

  it('answers a failed login only after the failure delay', async () => {
    const { auth } = authFixture({}, 300);
    await seedUsers(auth, [['operator']]);
    const started = performance.now();
    await failure(auth.login({ user: 'operator', password: 'wrong password' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('audits every login, failed login and logout in the hash chain, under the user name', async () => {
    const { auth, db } = authFixture();
    await seedUsers(auth, [['engineer']]);
    const { token } = await auth.login({ user: 'engineer', password: PASSWORD });
    await failure(auth.login({ user: 'engineer', password: 'wrong password' }));
    await failure(auth.login({ user: 'mallory', password: 'whatever it is' }));
    auth.logout(auth.authenticate(token));
    const entries = listAudit(db, 10).reverse().map((e) => ({ actor: e.actor, action: e.action, subject: e.subject, reason: e.reason }));
    expect(entries.slice(1)).toEqual([
      { actor: 'engineer', action: 'user.login', subject: 'engineer', reason: undefined },
      { actor: 'engineer', action: 'user.login-failed', subject: 'engineer', reason: 'wrong password (1 in a row)' },
      { actor: 'mallory', action: 'user.login-failed', subject: 'mallory', reason: 'unknown user' },
      { actor: 'engineer', action: 'user.logout', subject: 'engineer', reason: undefined },
    ]);
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 5 });
  });
});

describe('the first administrator', () => {
  it('writes a one-time code to a 0600 file, logs where it is but never the code, and creates the admin with it', async () => {
    const { auth, dataDir, logs, db } = authFixture();
    await auth.start();
    const file = `${dataDir}/${SETUP_CODE_FILE}`;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const code = readFileSync(file, 'utf8').trim();
    expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    expect(logs()).toContain(file);
    expect(logs()).not.toContain(code);
    expect(auth.firstAdminNeeded()).toBe(true);
    expect(auth.setupCodeFile()).toBe(file);

    const wrong = await failure(auth.createFirstAdmin({ setupCode: 'AAAAA-AAAAA-AAAAA-AAAAA', user: 'anna', password: 'a long enough password' }));
    expect([wrong.code, wrong.message]).toEqual(['unauthorized', `wrong setup code: use the one in ${file} (a new one is written at every start until the first administrator exists)`]);
    const session = await auth.createFirstAdmin({ setupCode: code.toLowerCase(), user: 'anna', password: 'a long enough password' });
    expect(session).toMatchObject({ user: 'anna', roles: ['admin'] });
    expect(auth.authenticate(session.token).roles).toEqual(['admin']);
    expect(existsSync(file)).toBe(false);
    expect(auth.firstAdminNeeded()).toBe(false);
    expect((await failure(auth.createFirstAdmin({ setupCode: code, user: 'eve', password: 'a long enough password' }))).code).toBe('forbidden');
    expect(listAudit(db, 5).map((e) => e.action).reverse()).toEqual(['user.create-first-admin', 'user.login']);
  });

  it('refuses a short password, and writes no code when accounts exist', async () => {
    const { auth, dataDir, restart } = authFixture();
    await auth.start();
    const code = readFileSync(`${dataDir}/${SETUP_CODE_FILE}`, 'utf8').trim();
    await expect(auth.createFirstAdmin({ setupCode: code, user: 'anna', password: 'short' })).rejects.toThrow(/at least 10 characters/);
    await auth.createFirstAdmin({ setupCode: code, user: 'anna', password: 'a long enough password' });
    const again = restart();
    await again.start();
    expect(existsSync(`${dataDir}/${SETUP_CODE_FILE}`)).toBe(false);
    expect(again.setupCodeFile()).toBeNull();
  });

  it('makes one administrator when two forms race with the same code', async () => {
    const { auth, dataDir, db } = authFixture();
    await auth.start();
    const code = readFileSync(`${dataDir}/${SETUP_CODE_FILE}`, 'utf8').trim();
    const results = await Promise.allSettled([
      auth.createFirstAdmin({ setupCode: code, user: 'anna', password: 'a long enough password' }),
      auth.createFirstAdmin({ setupCode: code, user: 'bert', password: 'a long enough password' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(db.prepare('SELECT count(*) AS n FROM app_user').get()).toEqual({ n: 1 });
  });
});
