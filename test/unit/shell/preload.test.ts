// The preload as Electron's sandbox runs it: CommonJS, with a require that knows only 'electron'. It is
// compiled from source here and run in a fresh vm context with a fake electron, so anything else it tried
// to require (domain/, zod, node:*) would fail this test as it would fail the real sandbox.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { API_COMMANDS, API_QUERIES, API_SESSION_METHODS, API_STREAMS } from '../../../domain/api.js';
import { CALL_CHANNEL, EVENT_CHANNEL, SUBSCRIBE_CHANNEL } from '../../../main/shell/ipcBridge.js';

// ipcBridge.js (imported for its channel names) imports electron; the real package would try to download.
vi.mock('electron', () => import('./fakeElectron.js'));

const source = readFileSync(fileURLToPath(new URL('../../../main/shell/preload.cts', import.meta.url)), 'utf8');
const compiled = ts.transpileModule(source, {
  fileName: 'preload.cts',
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
}).outputText;

type Api = Record<string, (...args: unknown[]) => unknown>;

function loadPreload(answer: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, value: null })) {
  const exposed = new Map<string, unknown>();
  const invoked: unknown[][] = [];
  const sent: unknown[][] = [];
  const rendererListeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push([channel, ...args]);
        return answer(channel, ...args);
      },
      send: (channel: string, ...args: unknown[]) => sent.push([channel, ...args]),
      on: (channel: string, listener: (...args: unknown[]) => void) => {
        rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener]);
      },
    },
  };
  const required: string[] = [];
  const sandboxRequire = (name: string): unknown => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const module = { exports: {} };
  vm.runInNewContext(`(function (require, module, exports) {${compiled}\n})`, { console })(sandboxRequire, module, module.exports);
  const emit = (channel: string, ...args: unknown[]) => {
    for (const listener of rendererListeners.get(channel) ?? []) listener({}, ...args);
  };
  return { exposed, invoked, sent, required, emit, api: exposed.get('plantdesk') as Api };
}

describe('preload', () => {
  it('requires only electron and exposes only window.plantdesk', () => {
    const { exposed, required } = loadPreload();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['plantdesk']);
  });

  it('exposes exactly the API names of domain/api.ts (API_QUERIES, API_COMMANDS and API_STREAMS)', () => {
    const { api } = loadPreload();
    expect(Object.keys(api).sort()).toEqual([...API_QUERIES, ...API_COMMANDS, ...API_SESSION_METHODS, ...API_STREAMS].sort());
    for (const name of Object.keys(api)) expect(typeof api[name]).toBe('function');
  });

  it('uses the channels the main process listens on', () => {
    expect(source).toContain(`const CALL_CHANNEL = '${CALL_CHANNEL}'`);
    expect(source).toContain(`const SUBSCRIBE_CHANNEL = '${SUBSCRIBE_CHANNEL}'`);
    expect(source).toContain(`const EVENT_CHANNEL = '${EVENT_CHANNEL}'`);
  });

  it('invokes plantdesk:call and unwraps the ApiResult', async () => {
    const { api, invoked } = loadPreload((_channel, method) =>
      method === 'getHealth' ? { ok: true, value: { status: 'ok' } } : { ok: false, error: { code: 'bad_request', message: 'limit: too small' } },
    );
    await expect(api.getHealth?.()).resolves.toEqual({ status: 'ok' });
    await expect(api.listEvents?.({ limit: 0 })).rejects.toThrow('limit: too small');
    expect(invoked).toEqual([
      [CALL_CHANNEL, 'getHealth', undefined],
      [CALL_CHANNEL, 'listEvents', { limit: 0 }],
    ]);
  });

  it('calls listSparkplugNodes on plantdesk:call without params', async () => {
    const { api, invoked } = loadPreload(() => ({ ok: true, value: [{ group: 'G', node: 'N', state: 'online' }] }));
    await expect(api.listSparkplugNodes?.()).resolves.toEqual([{ group: 'G', node: 'N', state: 'online' }]);
    expect(invoked).toEqual([[CALL_CHANNEL, 'listSparkplugNodes', undefined]]);
  });

  it('subscribes once per stream, delivers events and unsubscribes', () => {
    const { api, sent, emit } = loadPreload();
    const first: unknown[] = [];
    const second: unknown[] = [];
    const offFirst = api.onDashboard?.((value: unknown) => first.push(value)) as () => void;
    api.onDashboard?.((value: unknown) => second.push(value));
    expect(sent).toEqual([[SUBSCRIBE_CHANNEL, 'onDashboard']]);
    emit(EVENT_CHANNEL, 'onDashboard', { at: 't1' });
    offFirst();
    emit(EVENT_CHANNEL, 'onDashboard', { at: 't2' });
    emit(EVENT_CHANNEL, 'onSomethingElse', { at: 't3' });
    expect(first).toEqual([{ at: 't1' }]);
    expect(second).toEqual([{ at: 't1' }, { at: 't2' }]);
  });
});
