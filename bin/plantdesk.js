#!/usr/bin/env node
// PlantDesk command line: `plantdesk console` (headless agent + console UI) and `plantdesk start` (desktop app,
// or the console where the Electron runtime is missing). Runs the compiled output in build/ (npm run build).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'build', 'node');
const USAGE = 'Usage: plantdesk <console|start> [--config FILE] [--data DIR] [--port N]\n  plantdesk console --help   for the options\n  plantdesk audit verify --data DIR   checks the audit log\n  plantdesk secret encrypt --data DIR < file   seals a credential for the configuration';

if (!existsSync(join(build, 'main', 'console', 'cli.js'))) {
  console.error('plantdesk: the app is not built; run `npm run build` first (npm run console and npm start do it for you).');
  process.exit(2);
}
const load = (file) => import(pathToFileURL(join(build, file)).href);
const [command, ...args] = process.argv.slice(2);

if (command === 'console') {
  await (await load('main/console/cli.js')).runConsole(args);
} else if (command === 'secret') {
  process.exitCode = await (await load('main/console/cli.js')).runSecret(args);
} else if (command === 'audit') {
  process.exit((await load('main/console/auditCli.js')).runAudit(args));
} else if (command === 'start') {
  const { findElectronRuntime, runtimeMissingMessage, launchDesktop } = await load('main/shell/launch.js');
  const runtime = findElectronRuntime();
  if (runtime.ok) {
    launchDesktop(runtime.binary, args).on('exit', (code) => process.exit(code ?? 1));
  } else {
    console.log(runtimeMissingMessage(runtime.reason));
    await (await load('main/console/cli.js')).runConsole(args);
  }
} else {
  console.error(command ? `plantdesk: unknown command "${command}"\n${USAGE}` : USAGE);
  process.exit(command === undefined || command === '--help' ? 0 : 2);
}
