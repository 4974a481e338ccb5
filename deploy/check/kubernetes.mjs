// Checks deploy/kubernetes as `kubectl apply -k` would meet it: every manifest valid against the Kubernetes
// API schemas (kubernetes-models, Kubernetes 1.27), no field the API types do not name (TypeScript's
// excess-property check on kubernetes-models' interfaces), every file listed in the
// kustomization, and the parts fitting together: the Service and the PodDisruptionBudget select the
// Deployment's pods, the HorizontalPodAutoscaler scales it, probes and ports use named container ports,
// the ConfigMap's pumpcds.json is one `pumpcds serve` accepts (run with the binary given), and the
// database URL comes from a Secret. Prints one line per finding; exit 1 when there is any.
//
//   node kubernetes.mjs PUMPCDS_BINARY
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseAllDocuments } from 'yaml';

import { startServe } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifests = path.join(path.dirname(here), 'kubernetes');
const binary = process.argv[2];
const problems = [];
const problem = (where, text) => problems.push(`${where}: ${text}`);

const resources = [];
for (const file of readdirSync(manifests).filter((name) => name.endsWith('.yaml')).sort()) {
  for (const document of parseAllDocuments(readFileSync(path.join(manifests, file), 'utf8'))) {
    if (document.errors.length) {
      problem(file, document.errors[0].message);
      continue;
    }
    const object = document.toJS();
    if (object.apiVersion?.startsWith('kustomize.config.k8s.io')) {
      resources.push({ file, object });
      continue;
    }
    let Model;
    try {
      Model = (await import(`kubernetes-models/${object.apiVersion}`))[object.kind];
    } catch {
      Model = undefined;
    }
    if (!Model) {
      problem(file, `no Kubernetes kind ${object.apiVersion}/${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problem(file, `${object.kind} ${object.metadata?.name}: ${error.message}`);
    }
    resources.push({ file, object });
  }
}

// Fields no Kubernetes type names (a misspelt key, which the API server drops or refuses): each manifest
// as a typed object literal, checked by TypeScript's excess-property check against kubernetes-models'
// interfaces.
const generated = path.join(here, '.generated');
rmSync(generated, { recursive: true, force: true });
mkdirSync(generated);
const typed = [];
for (const [index, { file, object }] of resources.entries()) {
  if (object.apiVersion?.startsWith('kustomize.config.k8s.io')) continue;
  const name = `${path.basename(file, '.yaml')}-${index}.ts`;
  writeFileSync(path.join(generated, name),
    `import type { I${object.kind} } from "kubernetes-models/${object.apiVersion}/${object.kind}";\n` +
    `export const manifest: I${object.kind} = ${JSON.stringify(object, null, 2)};\n`);
  typed.push(path.join(generated, name));
}
try {
  execFileSync(path.join(here, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--strict', '--skipLibCheck', '--target',
    'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', ...typed], { cwd: here, encoding: 'utf8' });
} catch (error) {
  for (const line of `${error.stdout}`.split('\n').filter((text) => text.includes('error TS'))) {
    problem('types', line.replace(`${generated}/`, '').replace('.generated/', ''));
  }
}
rmSync(generated, { recursive: true, force: true });

const byKind = (kind) => resources.filter(({ object }) => object.kind === kind).map(({ object }) => object);
const [deployment] = byKind('Deployment');
const [service] = byKind('Service');
const [autoscaler] = byKind('HorizontalPodAutoscaler');
const [budget] = byKind('PodDisruptionBudget');
const [configMap] = byKind('ConfigMap');
const [kustomization] = byKind('Kustomization');

const listed = new Set(kustomization?.resources ?? []);
for (const file of readdirSync(manifests).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')) {
  if (!listed.has(file) && !file.includes('.example.')) problem('kustomization.yaml', `does not list ${file}`);
}
for (const file of listed) {
  if (!readdirSync(manifests).includes(file)) problem('kustomization.yaml', `lists ${file}, which does not exist`);
}

const podLabels = deployment?.spec?.template?.metadata?.labels ?? {};
const selects = (selector) => Object.entries(selector ?? {}).every(([key, value]) => podLabels[key] === value);
if (!selects(deployment?.spec?.selector?.matchLabels)) problem('deployment.yaml', 'its selector does not match its pods');
if (!selects(service?.spec?.selector)) problem('service.yaml', "its selector does not match the Deployment's pods");
if (!selects(budget?.spec?.selector?.matchLabels)) problem('pdb.yaml', "its selector does not match the Deployment's pods");
if (autoscaler?.spec?.scaleTargetRef?.name !== deployment?.metadata?.name) problem('hpa.yaml', 'does not scale the Deployment');

const container = deployment?.spec?.template?.spec?.containers?.[0] ?? {};
const portNames = new Set((container.ports ?? []).map((port) => port.name));
for (const probe of ['readinessProbe', 'livenessProbe']) {
  const get = container[probe]?.httpGet;
  if (get?.path !== '/healthz' || !portNames.has(get?.port)) problem('deployment.yaml', `${probe} is not GET /healthz on a named port`);
}
for (const port of service?.spec?.ports ?? []) {
  if (!portNames.has(port.targetPort)) problem('service.yaml', `targetPort ${port.targetPort} is no container port`);
}
const database = (container.env ?? []).find((variable) => variable.name === 'PUMPCDS_DATABASE');
if (!database?.valueFrom?.secretKeyRef) problem('deployment.yaml', 'PUMPCDS_DATABASE does not come from a Secret');

// The ConfigMap's settings, as the pod reads them: /etc/pumpcds/... in a directory of our own.
if (binary && configMap) {
  const directory = mkdtempSync(path.join(tmpdir(), 'pumpcds-k8s-'));
  try {
    for (const [name, text] of Object.entries(configMap.data ?? {})) {
      writeFileSync(path.join(directory, name), text.replaceAll('/etc/pumpcds/', `${directory}/`));
    }
    const settings = JSON.parse(configMap.data['pumpcds.json']);
    if (settings.port !== container.ports?.find((port) => port.name === 'http')?.containerPort) {
      problem('configmap.yaml', "pumpcds.json's port is not the container's http port");
    }
    if (settings.admin_port !== container.ports?.find((port) => port.name === 'admin')?.containerPort) {
      problem('configmap.yaml', "pumpcds.json's admin_port is not the container's admin port");
    }
    // Started for real (on free loopback ports, without a database): it must say it is listening.
    const started = await startServe(binary, ['--config', path.join(directory, 'pumpcds.json'), '--host', '127.0.0.1',
      '--port', '0', '--admin-host', '127.0.0.1', '--admin-port', '0', '--database', 'none']);
    if (!started.out.includes('admin on http://127.0.0.1:')) {
      problem('configmap.yaml', `pumpcds serve did not start with pumpcds.json: ${started.err.trim()}`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

for (const line of problems) console.log(line);
console.log(problems.length ? `${problems.length} problem(s)` : `deploy/kubernetes: ${resources.length} documents valid`);
process.exit(problems.length ? 1 : 0);
