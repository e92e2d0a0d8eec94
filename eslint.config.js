// Flat config. typescript-eslint's recommended set (not type-checked, to stay fast) for TypeScript,
// ESLint's recommended set for everything, and plantdesk/layers (DESIGN.md's import table) everywhere.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import plantdesk from './eslint-rules/index.js';

export default defineConfig(
  // test/fixtures/ holds deliberately bad code; test/unit/lint lints it with --no-ignore.
  { ignores: ['build/', 'dist/', 'test-results/', 'coverage/', 'test/fixtures/', '.plantdesk/'] },
  {
    files: ['**/*.{js,mjs,cjs,ts,tsx,mts,cts}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    extends: [tseslint.configs.recommended],
    rules: {
      // With verbatimModuleSyntax, `import { type A } from 'x'` still loads 'x' at run time; `import type` does not.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // `import x = require('x')` is how a CommonJS .cts file (the sandboxed preload) imports under verbatimModuleSyntax.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.{js,mjs,cjs,ts,tsx,mts,cts}'],
    plugins: { plantdesk },
    rules: {
      // fixtureRoots: a file under test/fixtures/lint/renderer/ counts as renderer/, so the rule can be
      // tested through this very config.
      'plantdesk/layers': ['error', { root: import.meta.dirname, fixtureRoots: ['test/fixtures/lint'] }],
    },
  },
);
