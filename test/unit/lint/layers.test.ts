// plantdesk/layers: DESIGN.md's import table as lint. RuleTester cases per layer, then the real project
// config against fixtures under test/fixtures/lint/ (a file there counts as the layer of the path after it).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../../eslint-rules/index.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ruleTester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
});

const options = [{ root: repoRoot, fixtureRoots: ['test/fixtures/lint'] }];

/** A case for a (not necessarily existing) file at `file`, relative to the repo root. */
const at = (file: string, code: string) => ({ filename: path.join(repoRoot, file), code, options });

const bad = (file: string, code: string, message: string) => ({ ...at(file, code), errors: [{ message }] });

const RENDERER_ALLOWED = '(allowed: domain/ (type imports only))';

ruleTester.run('plantdesk/layers', plugin.rules.layers, {
  valid: [
    // domain: itself and zod only
    at('domain/api.ts', "import { EVENT_STATUSES } from './lifecycle.js';"),
    at('domain/mapping/mesJson.ts', "import { ProductionConfirmationSchema } from '../confirmation.js';"),
    at('domain/order.ts', "import { z } from 'zod';"),
    at('domain/order.ts', "import { z } from 'zod/mini';"),
    // local-store: domain, Node and npm
    at('local-store/events.ts', "import type { CanonicalEvent } from '../domain/index.js';"),
    at('local-store/database.ts', "import Database from 'better-sqlite3'; import { mkdirSync } from 'node:fs';"),
    at('local-store/migrations/index.ts', "import { initial } from './0001-initial.js';"),
    // connectors: domain and their own folder
    at('connectors/opcua/opcuaSource.ts', "import { toCanonical } from '../../domain/mapping/mesJson.js';"),
    at('connectors/mqtt/index.ts', "export * from './mqttSource.js';"),
    at('connectors/erp/adapter.ts', "import mqtt from 'mqtt'; import { request } from 'node:http';"),
    // main/agent: everything below it
    at(
      'main/agent/pipeline.ts',
      [
        "import { OrderSchema } from '../../domain/order.js';",
        "import { openStore } from '../../local-store/index.js';",
        "import { OpcuaSource } from '../../connectors/opcua/index.js';",
        "import { MqttSource } from '../../connectors/mqtt/index.js';",
        "const erp = await import('../../connectors/erp/adapter.js');",
      ].join('\n'),
    ),
    // main/shell: domain, the agent's entry point, electron
    at(
      'main/shell/main.ts',
      [
        "import { app, BrowserWindow } from 'electron';",
        "import { startAgent } from '../agent/index.js';",
        "import type { ApiContract } from '../../domain/api.js';",
      ].join('\n'),
    ),
    at('main/shell/preload.cts', "const { contextBridge } = require('electron');"),
    at('main/shell/preload2.cts', "import electron = require('electron');"),
    // main/console: the agent (any file), the simulators (documented exception), domain
    at(
      'main/console/server.ts',
      [
        "import { startAgent } from '../agent/index.js';",
        "import { metrics } from '../agent/metrics.js';",
        "import { startPlant } from '../../sim/plant/index.js';",
        "import { EVENT_STATUSES } from '../../domain/lifecycle.js';",
      ].join('\n'),
    ),
    // renderer: domain as types only, in every type-only spelling
    at('renderer/src/api/getApi.ts', "import type { ApiContract } from '../../../domain/api.js';"),
    at('renderer/src/store.ts', "import { type Order, type OrderLine } from '../../domain/order.js';"),
    at('renderer/src/types.ts', "export type { Order } from '../../domain/order.js';"),
    at('renderer/src/types2.ts', "export type * from '../../domain/order.js';"),
    at('renderer/src/types3.ts', "type Order = import('../../domain/order.js').Order;"),
    at('renderer/src/App.tsx', "import { useState } from 'react'; import { create } from 'zustand';"),
    at('renderer/src/App2.tsx', "import { Header } from './components/Header.js';"),
    at('renderer/src/logo.ts', "import logo from './logo.svg?url';"),
    // sim: itself, Node, npm
    at('sim/plant/lineModel.ts', "import { DEMO_ORDERS } from '../demoData.js'; import { EventEmitter } from 'node:events';"),
    at('sim/erp/service.ts', "import { edm } from './edm.js'; import { OPCUAServer } from 'node-opcua';"),
    // installers: npm only
    at('installers/afterPack.ts', "import { join } from 'node:path'; import builder from 'electron-builder';"),
    // bench, test, bin, eslint-rules, root files: anything
    at('test/unit/anything.test.ts', "import { OpcuaSource } from '../../connectors/opcua/index.js'; import 'electron';"),
    at('test/e2e/app.test.ts', "import { App } from '../../renderer/src/App.js'; import { startPlant } from '../../sim/plant/index.js';"),
    at('bench/ingest.ts', "import { openStore } from '../local-store/index.js';"),
    at('bin/plantdesk.js', "const main = await import('../build/node/main/console/index.js');"),
    at('vitest.config.ts', "import { defineConfig } from 'vitest/config'; import { x } from './domain/index.js';"),
    // build tool configuration runs in Node, even inside renderer/
    at('renderer/vite.config.ts', "import { fileURLToPath } from 'node:url'; import { defineConfig } from 'vite';"),
    // computed specifiers cannot be resolved and are left alone
    at('renderer/src/lazy.ts', 'const page = await import(pageUrl);'),
    // a fixture file counts as the layer of the path after test/fixtures/lint/
    at('test/fixtures/lint/renderer/src/goodImport.ts', "import type { Order } from '../../domain/order.js';"),
  ],
  invalid: [
    // domain: nothing of ours, no Node, no npm but zod
    bad('domain/order.ts', "import { openStore } from '../local-store/index.js';", 'domain/ may not import local-store/ (allowed: nothing of ours)'),
    bad('domain/order.ts', "import { readFileSync } from 'node:fs';", "domain/ may not import the Node built-in 'node:fs' (domain/ runs in the renderer too)"),
    bad('domain/units.ts', "import path from 'path';", "domain/ may not import the Node built-in 'path' (domain/ runs in the renderer too)"),
    bad('domain/units.ts', "import { readFile } from 'fs/promises';", "domain/ may not import the Node built-in 'fs/promises' (domain/ runs in the renderer too)"),
    bad('domain/hash.ts', "const { createHash } = require('crypto');", "domain/ may not import the Node built-in 'crypto' (domain/ runs in the renderer too)"),
    bad('domain/log.ts', "import pino from 'pino';", "domain/ may not import the npm package 'pino' (allowed: zod)"),
    bad('domain/log.ts', "import type { Logger } from 'pino';", "domain/ may not import the npm package 'pino' (allowed: zod)"),
    bad('domain/api.ts', "type Db = import('../local-store/database.js').Db;", 'domain/ may not import local-store/ (allowed: nothing of ours)'),
    bad('domain/api.ts', "import { version } from '../package.json';", 'domain/ may not import (root) (allowed: nothing of ours)'),
    bad('domain/ipc.ts', "import { ipcRenderer } from 'electron';", "domain/ may not import 'electron' (only main/shell/ may)"),
    // local-store: domain only
    bad('local-store/events.ts', "import { OpcuaSource } from '../connectors/opcua/index.js';", 'local-store/ may not import connectors/opcua/ (allowed: domain/)'),
    bad('local-store/events.ts', "const agent = require('../main/agent/index.js');", 'local-store/ may not import main/agent/ (allowed: domain/)'),
    bad('local-store/events.ts', "import { app } from 'electron';", "local-store/ may not import 'electron' (only main/shell/ may)"),
    // connectors: domain only, not each other
    bad('connectors/opcua/opcuaSource.ts', "import { topicMatches } from '../mqtt/topicFilter.js';", 'connectors/opcua/ may not import connectors/mqtt/ (allowed: domain/)'),
    bad('connectors/erp/adapter.ts', "export * from '../../local-store/index.js';", 'connectors/erp/ may not import local-store/ (allowed: domain/)'),
    bad('connectors/index.ts', "export * from '../local-store/index.js';", 'connectors/ may not import local-store/ (allowed: domain/)'),
    bad('connectors/mqtt/mqttSource.ts', "export { edm } from '../../sim/erp/edm.js';", 'connectors/mqtt/ may not import sim/ (allowed: domain/)'),
    // main/agent: not the shell, the console, the renderer or the simulators
    bad('main/agent/index.ts', "import { createWindow } from '../shell/window.js';", 'main/agent/ may not import main/shell/ (allowed: domain/, local-store/, connectors/*/)'),
    bad('main/agent/index.ts', "import { startPlant } from '../../sim/plant/index.js';", 'main/agent/ may not import sim/ (allowed: domain/, local-store/, connectors/*/)'),
    bad('main/agent/api.ts', "import { App } from '../../renderer/src/App.js';", 'main/agent/ may not import renderer/ (allowed: domain/, local-store/, connectors/*/)'),
    // main/shell: the agent only through its entry point
    bad('main/shell/main.ts', "import { Pipeline } from '../agent/pipeline.js';", 'main/shell/ may not import main/agent/ (allowed: domain/, main/agent/index.ts)'),
    bad('main/shell/main.ts', "import { openStore } from '../../local-store/index.js';", 'main/shell/ may not import local-store/ (allowed: domain/, main/agent/index.ts)'),
    // main/console: not the store or the connectors directly, no electron
    bad('main/console/server.ts', "import { openStore } from '../../local-store/index.js';", 'main/console/ may not import local-store/ (allowed: domain/, main/agent/, sim/)'),
    bad('main/console/server.ts', "import { BrowserWindow } from 'electron';", "main/console/ may not import 'electron' (only main/shell/ may)"),
    // renderer: domain as types only, nothing else of ours, no Node, no electron
    bad('renderer/src/store.ts', "import { OrderSchema } from '../../domain/order.js';", `renderer/ may import domain/ only with type imports (\`import type\`) ${RENDERER_ALLOWED}`),
    bad('renderer/src/store.ts', "import { OrderSchema, type Order } from '../../domain/order.js';", `renderer/ may import domain/ only with type imports (\`import type\`) ${RENDERER_ALLOWED}`),
    bad('renderer/src/store.ts', "export { OrderSchema } from '../../domain/order.js';", `renderer/ may import domain/ only with type imports (\`import type\`) ${RENDERER_ALLOWED}`),
    bad('renderer/src/store.ts', "const domain = await import('../../domain/order.js');", `renderer/ may import domain/ only with type imports (\`import type\`) ${RENDERER_ALLOWED}`),
    bad('renderer/src/api/getApi.ts', "import { OpcuaSource } from '../../../connectors/opcua/index.js';", `renderer/ may not import connectors/opcua/ ${RENDERER_ALLOWED}`),
    bad('renderer/src/api/getApi.ts', "import type { Agent } from '../../../main/agent/index.js';", `renderer/ may not import main/agent/ ${RENDERER_ALLOWED}`),
    bad('renderer/src/files.ts', "import { readFileSync } from 'node:fs';", "renderer/ may not import the Node built-in 'node:fs' (renderer/ runs in the browser)"),
    bad('renderer/src/ipc.ts', "import { ipcRenderer } from 'electron';", "renderer/ may not import 'electron' (only main/shell/ may)"),
    bad('renderer/src/ipc2.ts', "import electron = require('electron');", "renderer/ may not import 'electron' (only main/shell/ may)"),
    bad('renderer/src/App.tsx', "import config from '../vite.config.js';", `renderer/ may not import (config) ${RENDERER_ALLOWED}`),
    // sim: nothing of ours outside sim/
    bad('sim/plant/mesPayloads.ts', "import { toCanonical } from '../../domain/mapping/mesJson.js';", 'sim/ may not import domain/ (allowed: nothing of ours)'),
    bad('sim/plant/opcuaServer.ts', "import type { OpcuaSource } from '../../connectors/opcua/index.js';", 'sim/ may not import connectors/opcua/ (allowed: nothing of ours)'),
    // installers: nothing of ours
    bad('installers/afterPack.ts', "import { APP_ID } from '../main/shell/constants.js';", 'installers/ may not import main/shell/ (allowed: nothing of ours)'),
    // a fixture file counts as the layer of the path after test/fixtures/lint/
    bad('test/fixtures/lint/renderer/src/badImport.ts', "import { connect } from '../../connectors/opcua/client.js';", `renderer/ may not import connectors/opcua/ ${RENDERER_ALLOWED}`),
    // several problems in one file are each reported
    {
      ...at('domain/order.ts', "import fs from 'node:fs';\nimport { openStore } from '../local-store/index.js';"),
      errors: [
        { messageId: 'builtin', line: 1 },
        { messageId: 'layer', line: 2 },
      ],
    },
  ],
});

// The project's own eslint.config.js, through the API and through the CLI CI runs.
describe('eslint.config.js on lint fixtures', () => {
  const badFixture = 'test/fixtures/lint/renderer/src/badImport.ts';
  const goodFixture = 'test/fixtures/lint/renderer/src/goodImport.ts';
  const badMessage = `renderer/ may not import connectors/opcua/ ${RENDERER_ALLOWED}`;

  // test/fixtures/ is in the config's ignores; the fixtures are linted only here.
  const eslint = new ESLint({ cwd: repoRoot, ignore: false });

  it('refuses the renderer importing a connector, naming both layers and the allowed ones', { timeout: 30_000 }, async () => {
    const [result] = await eslint.lintFiles([badFixture]);
    expect(result?.messages.map((m) => [m.ruleId, m.message, m.line])).toEqual([['plantdesk/layers', badMessage, 2]]);
  });

  it('passes a renderer file that imports domain types only', { timeout: 30_000 }, async () => {
    const [result] = await eslint.lintFiles([goodFixture]);
    expect(result?.messages).toEqual([]);
  });

  const runEslint = (file: string) =>
    spawnSync(path.join(repoRoot, 'node_modules/.bin/eslint'), ['--no-ignore', file], { cwd: repoRoot, encoding: 'utf8' });

  it('makes the eslint CLI exit non-zero on the bad fixture', { timeout: 30_000 }, () => {
    const run = runEslint(badFixture);
    expect(run.stdout).toContain(badMessage);
    expect(run.status).toBe(1);
  });

  it('makes the eslint CLI exit zero on the good fixture', { timeout: 30_000 }, () => {
    const run = runEslint(goodFixture);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
