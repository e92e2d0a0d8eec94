// Where the compiled shell finds its files, what counts as the app's own page, and which options reach the agent.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickAgentArgs } from '../../../main/shell/agentArgs.js';
import { isAppUrl, shellPaths } from '../../../main/shell/appPaths.js';

describe('shellPaths', () => {
  it('resolves the renderer, preload and agent entry from build/node/main/shell', () => {
    const paths = shellPaths('/opt/plantdesk/build/node/main/shell');
    expect(paths).toEqual({
      rendererIndex: path.resolve('/opt/plantdesk/build/renderer/index.html'),
      appUrl: 'file:///opt/plantdesk/build/renderer/index.html',
      preload: path.join('/opt/plantdesk/build/node/main/shell', 'preload.cjs'),
      agentEntry: path.resolve('/opt/plantdesk/build/node/main/console/utilityEntry.js'),
    });
  });

  it('percent-encodes unusual install folders so the URL round-trips', () => {
    const { appUrl } = shellPaths('/opt/Plant Desk #1/build/node/main/shell');
    expect(appUrl).toBe('file:///opt/Plant%20Desk%20%231/build/renderer/index.html');
    expect(isAppUrl(appUrl, appUrl)).toBe(true);
  });
});

describe('isAppUrl', () => {
  const app = 'file:///opt/plantdesk/build/renderer/index.html';
  it.each([
    [app, true],
    [`${app}#/exceptions`, true],
    ['file:///opt/plantdesk/build/renderer/./index.html', true],
    [`${app}?x=1`, false],
    [`${app}.evil`, false],
    ['file:///opt/plantdesk/build/renderer/other.html', false],
    ['file://evil.example/opt/plantdesk/build/renderer/index.html', false],
    ['https://evil.example/opt/plantdesk/build/renderer/index.html', false],
    ['devtools://devtools/bundled/index.html', false],
    ['', false],
    ['::::', false],
  ])('%s -> %s', (candidate, expected) => {
    expect(isAppUrl(candidate, app)).toBe(expected);
  });
});

describe('pickAgentArgs', () => {
  it('keeps --config and --data in both spellings and drops everything else', () => {
    expect(pickAgentArgs(['/app/main.js', '--no-sandbox', '--config', 'plant.yaml', '--data=/var/pd', '--port', '8080'])).toEqual([
      '--config',
      'plant.yaml',
      '--data',
      '/var/pd',
    ]);
    expect(pickAgentArgs(['--config'])).toEqual([]);
  });
});
