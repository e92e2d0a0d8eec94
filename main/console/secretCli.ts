// `plantdesk secret encrypt --data DIR`: reads a credential from stdin and prints the `enc:v1:...` value to paste
// into the configuration (README "Secrets at rest"). The key file <DIR>/secret.key is created (mode 0600) on first
// use. The plaintext is read from stdin, never from the command line, where `ps` and shell history would keep it.
import { parseArgs } from 'node:util';
import { encryptSecret, loadOrCreateSecretKey, secretKeyPath } from '../agent/config/secrets.js';

export const SECRET_USAGE = `Usage: plantdesk secret encrypt --data DIR  < file-with-the-secret
  --data DIR   the agent's data folder; its secret.key (created at first use, mode 0600) seals the value
  Reads the secret from stdin (one trailing newline is dropped) and prints enc:v1:... for the configuration.`;

async function readStdin(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export interface SecretCliIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: SecretCliIo = { stdin: process.stdin, out: (line) => console.log(line), err: (line) => console.error(line) };

/** Exit code: 0 printed a value, 2 usage or key problem. */
export async function runSecret(argv: readonly string[], io: SecretCliIo = processIo): Promise<number> {
  let dataDir: string;
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { data: { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals[0] !== 'encrypt' || positionals.length !== 1) throw new Error('the only secret command is encrypt');
    if (!values.data) throw new Error('--data is required');
    dataDir = values.data;
  } catch (error) {
    io.err(`plantdesk secret: ${(error as Error).message}\n${SECRET_USAGE}`);
    return 2;
  }
  if (io.stdin.isTTY) io.err('Type the secret, then Enter and Ctrl-D (it is shown as you type; pipe it from a file to avoid that):');
  const plaintext = await readStdin(io.stdin);
  if (plaintext.length === 0) {
    io.err('plantdesk secret: nothing on stdin; pipe the secret in, e.g. plantdesk secret encrypt --data DIR < erp-password.txt');
    return 2;
  }
  try {
    io.out(encryptSecret(plaintext, loadOrCreateSecretKey(dataDir)));
    io.err(`sealed with ${secretKeyPath(dataDir)}; back that file up with the data folder, values cannot be opened without it`);
    return 0;
  } catch (error) {
    io.err(`plantdesk secret: ${(error as Error).message}`);
    return 2;
  }
}
