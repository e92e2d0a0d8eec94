// Loads the YAML configuration and reports every problem with the file, line and key it concerns.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type AgentConfig } from './schema.js';
import { decryptConfigSecrets, secretKeyFor } from './secrets.js';

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(`Invalid configuration ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/**
 * Walks the document along the path and returns the offset of the deepest key that exists: the bad key
 * itself, the key holding a bad value, or the parent of a missing key.
 */
function offsetOf(doc: Document, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
      if (!pair) break;
      if (isNode(pair.key)) offset = pair.key.range?.[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (!isNode(node)) break;
      offset = node.range?.[0];
    } else {
      break;
    }
  }
  return offset;
}

function describeIssue(doc: Document, lines: LineCounter, file: string, issue: z.core.$ZodIssue): string[] {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
  return keys.map((unknownKey) => {
    const path = unknownKey === undefined ? issue.path : [...issue.path, unknownKey];
    const offset = offsetOf(doc, path);
    const where = offset === undefined ? file : `${file}:${lines.linePos(offset).line}`;
    const message = unknownKey !== undefined ? 'unknown key' : doc.hasIn(path as unknown[]) ? issue.message : 'is required';
    return `${where}: ${formatPath(path) || '(top level)'}: ${message}`;
  });
}

export interface ConfigLoadOptions {
  /** The data folder whose secret.key opens `enc:v1:` values (the --data option); default: the file's dataDir, else .plantdesk/data. */
  readonly dataDir?: string;
}

export function parseConfig(text: string, file: string, options: ConfigLoadOptions = {}): AgentConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? '?'}: YAML syntax: ${e.message.split('\n')[0]}`));
  }
  // Secrets at rest (secrets.ts): `enc:v1:` values decrypted before the schema checks them, each failure named by line and key.
  const raw: unknown = doc.toJS() ?? {};
  const rawDataDir = (raw as { dataDir?: unknown }).dataDir;
  const secrets = decryptConfigSecrets(raw, () => secretKeyFor(resolve(options.dataDir ?? (typeof rawDataDir === 'string' ? rawDataDir : '.plantdesk/data'))));
  if (secrets.problems.length > 0) {
    throw new ConfigError(file, secrets.problems.map(({ path, message }) => `${file}:${lines.linePos(offsetOf(doc, path) ?? 0).line}: ${formatPath(path)}: ${message}`));
  }
  const parsed = ConfigSchema.safeParse(secrets.value);
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.flatMap((issue) => describeIssue(doc, lines, file, issue)));
  return parsed.data;
}

export function loadConfigFile(file: string, options: ConfigLoadOptions = {}): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [code === 'ENOENT' ? `${file}: file not found` : `${file}: cannot be read (${code ?? (error as Error).message})`]);
  }
  return parseConfig(text, file, options);
}
