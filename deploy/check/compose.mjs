// Checks the Docker Compose demo without a Docker engine: every build context, Dockerfile and COPY source
// exists; pumpcds starts with the service's command and environment; and the demo FHIR server, started as
// its image starts it, holds the patient the compose file's instructions check, which `pumpcds check`
// then evaluates (CareSource North Carolina's policy, from the server alone). Exit 1 on any problem.
//
//   node compose.mjs PUMPCDS_BINARY NODE_FOR_THE_FHIR_SERVER
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

import { startServe } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const composeDir = path.join(path.dirname(here), 'compose');
const [binary, node] = process.argv.slice(2);
const problems = [];
const problem = (where, text) => problems.push(`${where}: ${text}`);
const composeText = readFileSync(path.join(composeDir, 'compose.yaml'), 'utf8');
const compose = parse(composeText);

for (const [name, service] of Object.entries(compose.services ?? {})) {
  if (!service.build) {
    if (!service.image) problem(`services.${name}`, 'neither image nor build');
    continue;
  }
  const context = path.resolve(composeDir, service.build.context);
  const dockerfile = path.join(context, service.build.dockerfile);
  if (!existsSync(dockerfile)) {
    problem(`services.${name}`, `no Dockerfile ${service.build.dockerfile} in ${service.build.context}`);
    continue;
  }
  for (const line of readFileSync(dockerfile, 'utf8').split('\n')) {
    const copy = line.match(/^COPY\s+(?!--from)(.*)$/);
    if (!copy) continue;
    const sources = copy[1].trim().split(/\s+/).slice(0, -1);
    for (const source of sources) {
      if (!existsSync(path.join(context, source))) problem(path.relative(composeDir, dockerfile), `COPY ${source}: not in the build context`);
    }
  }
  for (const dependency of Object.keys(service.depends_on ?? {})) {
    if (!compose.services[dependency]) problem(`services.${name}.depends_on`, `no service ${dependency}`);
  }
}

// pumpcds with the service's command and environment (its database set aside: no PostgreSQL here).
const pumpcds = compose.services?.pumpcds ?? {};
const started = await startServe(binary, [...(pumpcds.command ?? []), '--host', '127.0.0.1', '--port', '0',
  '--admin-host', '127.0.0.1', '--admin-port', '0', '--database', 'none'], { ...process.env, ...pumpcds.environment });
if (!started.out.includes('listening on')) problem('services.pumpcds', `pumpcds did not start: ${started.err.trim()}`);

// The demo FHIR server as its image starts it (on a free port), and the check the instructions give.
const fhirDockerfile = readFileSync(path.join(composeDir, 'fhir.Dockerfile'), 'utf8');
const entrypoint = JSON.parse(fhirDockerfile.match(/^ENTRYPOINT (.*)$/m)[1]);
const root = path.resolve(composeDir, '..', '..');
const fhir = spawn(node, [path.join(root, entrypoint[1]), '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await Promise.race([
  new Promise((resolve) => createInterface({ input: fhir.stdout }).once('line', resolve)),
  new Promise((resolve) => setTimeout(() => resolve(''), 60000)),
]);
try {
  const { port, patients } = JSON.parse(ready || '{}');
  if (!patients) {
    problem('fhir-demo.mjs', `the demo FHIR server did not load its patients (${ready})`);
  } else {
    const instructions = composeText.match(/--patient (\S+) --order (\S+) --now (\S+)/);
    let report = '';
    try {
      report = execFileSync(binary, ['check', '--fhir-server', `http://127.0.0.1:${port}/fhir`, '--allow-insecure-fhir',
        '--patient', instructions[1], '--order', instructions[2], '--now', instructions[3]], { encoding: 'utf8' });
    } catch (error) {
      problem('compose.yaml', `the documented pumpcds check failed: ${error.stderr}`);
    }
    if (report && !report.includes('caresource-nc-mm-1369')) {
      problem('compose.yaml', `the documented check did not reach CareSource North Carolina's policy: ${report.slice(0, 300)}`);
    }
  }
} finally {
  fhir.kill('SIGTERM');
}

for (const line of problems) console.log(line);
console.log(problems.length ? `${problems.length} problem(s)` : 'deploy/compose: the demo fits together');
process.exit(problems.length ? 1 : 0);
