// Electron main entry (package.json "main"): resolves the app's files next to this compiled script and
// starts the shell, passing --config and --data through to the agent.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pickAgentArgs } from './agentArgs.js';
import { shellPaths } from './appPaths.js';
import { runShell } from './lifecycle.js';

runShell({
  paths: shellPaths(path.dirname(fileURLToPath(import.meta.url))),
  agentArgs: pickAgentArgs(process.argv.slice(1)),
});
