// Shared by the config tests: the problems a configuration text is refused with, or a failure if it is accepted.
import { ConfigError, parseConfig } from '../../../main/agent/config/load.js';

export function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, 'plant.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
