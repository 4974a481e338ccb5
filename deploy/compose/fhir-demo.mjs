// The demo FHIR server: starts tests/fhir_server/server.mjs with the arguments given, loads every bundle of
// tests/data/synthea into it, prints one line saying where it serves and what it holds, and stops with it.
// The CareSource member (the bundle with "caresource_nc" in its name, whose Coverage names CareSource North
// Carolina) is moved to North Carolina: Synthea made him a Massachusetts resident, and the policy's route
// is for North Carolina members.
//   node deploy/compose/fhir-demo.mjs [--host H] [--port N]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const server = spawn(process.execPath, [path.join(root, 'tests', 'fhir_server', 'server.mjs'), ...process.argv.slice(2)],
  { stdio: ['ignore', 'pipe', 'inherit'] });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 1));

const [first] = await new Promise((resolve) => createInterface({ input: server.stdout }).once('line', (line) => resolve([line])));
const { port } = JSON.parse(first);
const base = `http://127.0.0.1:${port}/fhir`;
const bundles = readdirSync(path.join(root, 'tests', 'data', 'synthea')).filter((name) => name.endsWith('.json')).sort();
let patients = 0;
for (const name of bundles) {
  const bundle = readFileSync(path.join(root, 'tests', 'data', 'synthea', name), 'utf8');
  const answer = await fetch(`${base}/$seed`, { method: 'POST', body: bundle, headers: { 'Content-Type': 'application/fhir+json' } });
  if (!answer.ok) {
    console.error(`fhir-demo: ${name} was not loaded: HTTP ${answer.status} ${await answer.text()}`);
    server.kill('SIGTERM');
  }
  patients += JSON.parse(bundle).entry.filter((entry) => entry.resource?.resourceType === 'Patient').length;
}
const member = JSON.parse(readFileSync(path.join(root, 'tests', 'data', 'synthea', bundles.find((name) => name.includes('caresource_nc'))), 'utf8'))
  .entry.find((entry) => entry.resource?.resourceType === 'Coverage').resource.beneficiary.reference.split('/')[1];
const patient = await (await fetch(`${base}/Patient/${member}`)).json();
for (const address of patient.address ?? []) address.state = 'NC';
const moved = await fetch(`${base}/$seed`, { method: 'POST', body: JSON.stringify([patient]), headers: { 'Content-Type': 'application/fhir+json' } });
if (!moved.ok) console.error(`fhir-demo: Patient/${member} was not moved to North Carolina: HTTP ${moved.status}`);
console.log(JSON.stringify({ port, fhir: `/fhir`, bundles: bundles.length, patients }));
