// Starts sim/erp in a child process (erpSimChild.ts, from the build) and stops it again.
import { fork } from 'node:child_process';
import type { ErpSimulatorOptions } from '../../sim/erp/index.js';

export interface ErpSimProcess {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startErpSimProcess(options: ErpSimulatorOptions, heapMb = 8192): Promise<ErpSimProcess> {
  const child = fork(new URL('./erpSimChild.js', import.meta.url), [JSON.stringify(options)], { execArgv: [`--max-old-space-size=${heapMb}`, ...(process.env.BENCH_SIM_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SIM_PROFILE_DIR}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`the ERP simulator exited with ${code} before it was ready`)));
  });
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.send({ type: 'stop' });
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }),
  };
}
