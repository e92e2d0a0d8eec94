// Loaded with `node --import` before build/node/main/console/utilityEntry.js: gives plain Node the
// `process.parentPort` of an Electron utility process, carried over Node's fork IPC channel, so the agent's real
// utility entry runs here exactly as the shell's AgentSupervisor would drive it (Electron itself cannot run here).
import { EventEmitter } from 'node:events';

const parentPort = new EventEmitter();
parentPort.postMessage = (message) => process.send?.(message);
process.on('message', (data) => parentPort.emit('message', { data }));
process.parentPort = parentPort;
