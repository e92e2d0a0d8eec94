// The command-line options the shell passes through to the agent; everything else (Chromium switches,
// the app path) stays with Electron.
const PASSED = ['--config', '--data'] as const;

/** Picks `--config FILE` and `--data DIR` (also `--config=FILE`) from argv, normalised to separate words. */
export function pickAgentArgs(argv: readonly string[]): string[] {
  const picked: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    for (const flag of PASSED) {
      if (arg === flag && i + 1 < argv.length) {
        picked.push(flag, argv[i + 1] ?? '');
        i += 1;
      } else if (arg.startsWith(`${flag}=`)) {
        picked.push(flag, arg.slice(flag.length + 1));
      }
    }
  }
  return picked;
}
