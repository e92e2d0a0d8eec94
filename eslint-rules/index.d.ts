// Types for the plain-JS plugin so the type-checked lint tests can import it.
import type { Rule } from 'eslint';

declare const plugin: {
  meta: { name: string };
  rules: { layers: Rule.RuleModule };
};
export default plugin;
