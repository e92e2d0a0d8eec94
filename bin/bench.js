#!/usr/bin/env node
// `npm run bench -- NAME`: runs bench/NAME.ts (compiled by `npm run build` to build/node/bench/NAME.js).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'node', 'bench');
const available = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)) : [];
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`Usage: npm run bench -- NAME   (available: ${available.join(', ') || 'none; run npm run build first'})`);
  process.exit(2);
}
await import(pathToFileURL(join(dir, `${name}.js`)).href);
