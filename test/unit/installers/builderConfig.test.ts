// installers/electron-builder.yml checked without packaging (the Electron runtime cannot be downloaded here):
// against electron-builder's own JSON schema, and through electron-builder's own fuse translation.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { FuseV1Options } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
const config = parse(readFileSync(path.join(root, 'installers/electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  win: { target: unknown };
  nsis: Record<string, unknown>;
  linux: { target: unknown };
  publish: Record<string, unknown>;
};

// strict: false because scheme.json is generated from TypeScript and uses keywords Ajv's strict mode rejects.
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('installers/electron-builder.yml', () => {
  it("is valid against electron-builder's schema", () => {
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the same validator refuses a misspelt key and a wrong type, so a pass means something', () => {
    expect(validate({ ...config, electronFuse: { runAsNode: false } })).toBe(false);
    expect(validate({ ...config, nsis: { ...config.nsis, perMachine: 'yes' } })).toBe(false);
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).toBe(false);
  });

  it('flips the fuses Electron security checklist asks for, as electron-builder translates them', async () => {
    // generateFuseConfig is what electron-builder hands @electron/fuses right before signing.
    const generate = (PlatformPackager.prototype as unknown as { generateFuseConfig(fuses: unknown): Promise<Record<number, unknown>> }).generateFuseConfig;
    const fuses = await generate.call({}, config.electronFuses);
    expect(fuses[FuseV1Options.RunAsNode]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(config.asar).toBe(true); // onlyLoadAppFromAsar with no asar would start nothing
  });

  it('builds per-machine NSIS for x64 with a choice of directory, and deb and AppImage', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, allowToChangeInstallationDirectory: true, deleteAppDataOnUninstall: false });
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
  });

  it('packages for the pinned Electron and rebuilds native modules only at packaging time', () => {
    expect(config.electronVersion).toBe(packageJson.devDependencies.electron);
    expect(config.npmRebuild).toBe(true);
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(packageJson.scripts[hook]).toBeUndefined();
    expect(config.files).toContain('build/node/**/*.cjs'); // the sandboxed preload
  });

  it('publishes to the generic provider at the URL given when packaging, and never forces signing', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: '${env.PLANTDESK_UPDATE_URL}', channel: 'latest' });
    expect(config.forceCodeSigning).toBe(false);
    expect(JSON.stringify(config)).not.toMatch(/cscLink|certificatePassword|cscKeyPassword/i); // secrets come from the environment
  });
});
