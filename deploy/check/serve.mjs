// Starts `pumpcds serve` with the given arguments and environment, as a deployment recipe would, and stops
// it as soon as it says it is listening (or after 15 s). Resolves to what it printed.
import { spawn } from 'node:child_process';

export function startServe(binary, args, env = process.env) {
  return new Promise((resolve) => {
    const server = spawn(binary, ['serve', ...args], { env });
    let out = '';
    let err = '';
    const timer = setTimeout(() => server.kill('SIGTERM'), 15000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('listening on')) server.kill('SIGTERM');
    });
    server.stderr.on('data', (chunk) => (err += chunk));
    server.on('exit', () => {
      clearTimeout(timer);
      resolve({ out, err });
    });
  });
}
