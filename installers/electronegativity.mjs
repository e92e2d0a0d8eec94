#!/usr/bin/env node
// `npm run electronegativity`: Doyensec's Electronegativity over the desktop shell's sources (main/shell) and the
// built renderer (build/renderer), scanned as one tree so checks that look across files (navigation limits,
// permission handler, CSP) see both sides. Fails (exit 1) on any HIGH finding, on a MEDIUM finding without a
// written justification in installers/electronegativity-justifications.json, and on a file it could not parse
// (an unparsed file is an unscanned file). Needs `npm run build` first. Makes no network requests.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The options exist for test/unit/installers/electronegativity.test.ts, which scans deliberately bad trees.
const { values: options } = parseArgs({
  options: {
    shell: { type: 'string', default: path.join(projectDir, 'main', 'shell') },
    renderer: { type: 'string', default: path.join(projectDir, 'build', 'renderer') },
    justifications: { type: 'string', default: path.join(projectDir, 'installers', 'electronegativity-justifications.json') },
  },
});
const justificationsFile = path.resolve(options.justifications);
const require = createRequire(import.meta.url);

function fail(line) {
  console.error(`electronegativity: ${line}`);
  process.exit(1);
}

/**
 * Electronegativity fetches translations and Electron's release list with `got` at run time. A security gate
 * in CI should not depend on (or talk to) the network, so `got` is replaced before the tool loads: the
 * translations fall back to the bundled English, and the release check is excluded below.
 */
function keepOffline() {
  const runnerPath = require.resolve('@doyensec/electronegativity');
  const gotPath = createRequire(runnerPath).resolve('got');
  const offline = () => Promise.resolve({ statusCode: 404, body: '' });
  offline.head = offline;
  const stub = new Module(gotPath);
  stub.exports = offline;
  stub.loaded = true;
  require.cache[gotPath] = stub;
  return require(runnerPath);
}

/** Copies what is scanned into one folder: .cts is not a file type the tool reads, so the preload becomes .ts. */
function stageTree(electronVersion) {
  const rendererDir = path.resolve(options.renderer);
  if (!existsSync(path.join(rendererDir, 'index.html'))) fail(`${path.join(rendererDir, 'index.html')} is missing; run \`npm run build\` first`);
  const stage = mkdtempSync(path.join(tmpdir(), 'plantdesk-electronegativity-'));
  const shellDir = path.join(stage, 'main', 'shell');
  mkdirSync(shellDir, { recursive: true });
  const sourceDir = path.resolve(options.shell);
  for (const name of readdirSync(sourceDir)) {
    if (/\.(c?ts)$/.test(name)) cpSync(path.join(sourceDir, name), path.join(shellDir, name.replace(/\.cts$/, '.ts')));
  }
  cpSync(rendererDir, path.join(stage, 'renderer'), { recursive: true, filter: (source) => !source.endsWith('.map') });
  // The tool reads the Electron version from package.json; the other dependencies are not its business.
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: 'plantdesk', devDependencies: { electron: electronVersion } }));
  return stage;
}

function loadJustifications() {
  const parsed = JSON.parse(readFileSync(justificationsFile, 'utf8'));
  const entries = Array.isArray(parsed.justifications) ? parsed.justifications : [];
  for (const [index, entry] of entries.entries()) {
    if (typeof entry.check !== 'string' || typeof entry.file !== 'string' || typeof entry.why !== 'string' || entry.why.trim().length < 20) {
      fail(`${path.relative(projectDir, justificationsFile)}: justifications[${index}] needs check, file and a why of at least 20 characters`);
    }
  }
  return entries;
}

const packageJson = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8'));
const electronVersion = packageJson.devDependencies.electron;
const justifications = loadJustifications();
const tool = keepOffline();
const run = tool.default ?? tool;
const stage = stageTree(electronVersion);
let result;
try {
  result = await run({
    input: stage,
    isRelative: true,
    electronVersionOverride: electronVersion,
    // Needs the network (Electron's release list); the pinned version is kept current by dependency updates.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });
} finally {
  rmSync(stage, { recursive: true, force: true });
}

const used = new Set();
const problems = [];
const counts = {};
console.log(`Electronegativity over main/shell and build/renderer (Electron ${electronVersion}): ${result.atomicChecks} atomic and ${result.globalChecks} global checks`);
for (const issue of result.issues) {
  const severity = issue.severity.name;
  counts[severity] = (counts[severity] ?? 0) + 1;
  const where = `${issue.file}:${issue.location.line}`;
  const justification = justifications.find((entry) => entry.check === issue.id && entry.file === issue.file);
  if (justification !== undefined) used.add(justification);
  let verdict = '';
  if (severity === 'HIGH') verdict = ' -> FAIL (HIGH findings must be fixed)';
  else if (severity === 'MEDIUM') verdict = justification === undefined ? ' -> FAIL (MEDIUM without a justification)' : ` -> justified: ${justification.why}`;
  console.log(`  ${severity.padEnd(13)} ${issue.confidence.name.padEnd(9)} ${issue.id.padEnd(40)} ${where}${issue.manualReview ? ' (review)' : ''}${verdict}`);
  if (verdict.includes('FAIL')) problems.push(`${issue.id} at ${where}`);
}
for (const error of result.errors) {
  console.log(`  parse ${error.tolerable ? 'warning' : 'ERROR'}: ${error.file}: ${error.message}`);
  if (!error.tolerable) problems.push(`could not parse ${error.file}`);
}
for (const entry of justifications) {
  if (!used.has(entry)) console.log(`  note: stale justification for ${entry.check} in ${entry.file} (no such finding now); remove it`);
}
const summary = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'].map((name) => `${name} ${counts[name] ?? 0}`).join(', ');
console.log(`Findings: ${summary}`);
if (problems.length > 0) fail(`${problems.length} finding(s) block the build: ${problems.join('; ')}`);
