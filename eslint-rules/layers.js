// plantdesk/layers: DESIGN.md's "Folders and who may import whom" as a lint rule (STYLE.md 1).
// Modelled on VS Code's .eslint-plugin-local/code-layering.ts: the importing file's layer comes from its
// path relative to the repo root, each relative import is resolved to a path and its layer, and an import
// the table does not allow is reported with the layers that are allowed.
// Plain ESM JavaScript so ESLint loads it without a build step.
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * Restricted layers. A layer may always import itself. `allow` lists layers of ours it may import
 * (`connectors/*` matches every connector); `typesOnly` lists the ones it may import only with
 * `import type`; `allowFiles` lists single files (extension-less, relative to the root).
 * Layers not listed here (bench, test, bin, eslint-rules, docs, root config files) may import anything.
 */
const LAYERS = {
  domain: { allow: [], nodeBuiltins: false, npm: ['zod'], why: 'domain/ runs in the renderer too' },
  'local-store': { allow: ['domain'] },
  'connectors/*': { allow: ['domain'] },
  'main/agent': { allow: ['domain', 'local-store', 'connectors/*'] },
  'main/shell': { allow: ['domain'], allowFiles: ['main/agent/index'], electron: true },
  // The demo host starts the simulators: the one documented exception to "nothing imports sim/".
  'main/console': { allow: ['domain', 'main/agent', 'sim'] },
  renderer: { allow: [], typesOnly: ['domain'], nodeBuiltins: false, why: 'renderer/ runs in the browser' },
  sim: { allow: [] },
  installers: { allow: [] },
};

const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));
const SOURCE_EXTENSION = /\.(?:[cm]?[jt]sx?)$/;
const CONFIG_FILE = /\.config\.[cm]?[jt]s$/;

/**
 * The layer of a path relative to the root (posix separators): `connectors/opcua`, `main/agent`, `renderer`, ...;
 * `(root)` for files at the top, `(config)` for `*.config.*` files anywhere, `(outside the repo)`.
 */
function layerOf(rel) {
  if (rel === '..' || rel.startsWith('../') || path.posix.isAbsolute(rel)) return '(outside the repo)';
  const parts = rel.split('/');
  if (parts.length === 1) return '(root)';
  // Build tool configuration (renderer/vite.config.ts, ...) runs in Node whatever folder it sits in.
  if (CONFIG_FILE.test(parts[parts.length - 1])) return '(config)';
  if ((parts[0] === 'connectors' || parts[0] === 'main') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

function ruleFor(layer) {
  if (LAYERS[layer]) return LAYERS[layer];
  if (layer === 'connectors' || layer.startsWith('connectors/')) return LAYERS['connectors/*'];
  return undefined;
}

function matches(pattern, layer) {
  return pattern.endsWith('/*') ? layer.startsWith(pattern.slice(0, -1)) : pattern === layer;
}

function describeAllowed(rule) {
  const names = [
    ...rule.allow.map((l) => `${l}/`),
    ...(rule.allowFiles ?? []).map((f) => `${f}.ts`),
    ...(rule.typesOnly ?? []).map((l) => `${l}/ (type imports only)`),
  ];
  return names.length > 0 ? names.join(', ') : 'nothing of ours';
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(packageName(specifier));
}

/** True for `import type …`, `export type … from` and imports whose every specifier is `type`. */
function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return (
    specifiers.length > 0 &&
    specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type')
  );
}

function stringValue(node) {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: "Enforce DESIGN.md's folder import table (who may import whom)" },
    schema: [
      {
        type: 'object',
        properties: {
          // Repo root the layers are computed from; defaults to ESLint's cwd.
          root: { type: 'string' },
          // Folders (relative to root) that stand for the root, so lint fixtures can sit in any layer.
          fixtureRoots: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      layer: '{{from}}/ may not import {{to}} (allowed: {{allowed}})',
      typesOnly: '{{from}}/ may import {{to}} only with type imports (`import type`) (allowed: {{allowed}})',
      builtin: "{{from}}/ may not import the Node built-in '{{name}}' ({{why}})",
      npm: "{{from}}/ may not import the npm package '{{name}}' (allowed: {{allowed}})",
      electron: "{{from}}/ may not import 'electron' (only main/shell/ may)",
    },
  },

  create(context) {
    const options = context.options[0] ?? {};
    const root = path.resolve(options.root ?? context.cwd);
    const fixtureRoots = (options.fixtureRoots ?? []).map((f) => f.replace(/\/+$/, '') + '/');

    /** Path relative to the root (posix), with a fixture root prefix taken off. */
    const relative = (absolute) => {
      let rel = path.relative(root, absolute).split(path.sep).join('/');
      for (const prefix of fixtureRoots) {
        if (rel.startsWith(prefix)) {
          rel = rel.slice(prefix.length);
          break;
        }
      }
      return rel;
    };

    const filename = context.physicalFilename ?? context.filename;
    if (!path.isAbsolute(filename)) return {}; // <input> or <text>: no path, no layer
    const fromLayer = layerOf(relative(filename));
    const rule = ruleFor(fromLayer);
    if (!rule) return {};

    const report = (node, messageId, data) =>
      context.report({ node, messageId, data: { from: fromLayer, allowed: describeAllowed(rule), ...data } });

    const check = (sourceNode, typeOnly) => {
      const specifier = stringValue(sourceNode);
      if (specifier === undefined) return; // computed import(): nothing to resolve

      if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
        if (isBuiltin(specifier)) {
          if (rule.nodeBuiltins === false) report(sourceNode, 'builtin', { name: specifier, why: rule.why });
          return;
        }
        const name = packageName(specifier);
        if (name === 'electron') {
          if (!rule.electron) report(sourceNode, 'electron', {});
          return;
        }
        if (rule.npm && !rule.npm.includes(name)) report(sourceNode, 'npm', { name, allowed: rule.npm.join(', ') });
        return;
      }

      const target = relative(path.resolve(path.dirname(filename), specifier.replace(/[?#].*$/, '')));
      const toLayer = layerOf(target);
      if (toLayer === fromLayer) return;
      if (rule.allow.some((p) => matches(p, toLayer))) return;
      const bare = target.replace(SOURCE_EXTENSION, '').replace(/\/index$/, '');
      if ((rule.allowFiles ?? []).some((f) => f.replace(/\/index$/, '') === bare)) return;
      const to = toLayer.startsWith('(') ? toLayer : `${toLayer}/`;
      if ((rule.typesOnly ?? []).some((p) => matches(p, toLayer))) {
        if (!typeOnly) report(sourceNode, 'typesOnly', { to });
        return;
      }
      report(sourceNode, 'layer', { to });
    };

    return {
      ImportDeclaration: (node) => check(node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node.source, isTypeOnly(node)),
      ImportExpression: (node) => check(node.source, false),
      TSImportType: (node) => check(node.source ?? node.argument?.literal, true),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' &&
        check(node.moduleReference.expression, node.importKind === 'type'),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) {
          check(node.arguments[0], false);
        }
      },
    };
  },
};
