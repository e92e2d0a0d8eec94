// The ERP simulator in its own process (bench/drain.ts): the sync engine or the bare client in the parent, the
// simulator here, each on its own core, as an ERP is on its own machine. Started by erpSimProcess.ts over IPC.
import { startErpSimulator, type ErpSimulatorOptions } from '../../sim/erp/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as ErpSimulatorOptions;
const sim = await startErpSimulator(options);
process.send?.({ url: sim.url });
process.on('message', (message: { type: string }) => {
  if (message.type === 'stop') void sim.stop().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
