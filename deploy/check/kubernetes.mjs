// Checks deploy/kubernetes as `kubectl apply -k` would meet it: every manifest valid against the Kubernetes
// API schemas (kubernetes-models, Kubernetes 1.27), no field the API types do not name (TypeScript's
// excess-property check on kubernetes-models' interfaces), every file listed in the
// kustomization, and the parts fitting together: the Service and the PodDisruptionBudget select the
// Deployment's pods, the HorizontalPodAutoscaler scales it, probes and ports use named container ports,
// the ConfigMap's pumpcds.json is one `pumpcds serve` accepts (run with the binary given), and the
// database URL comes from a Secret. The sharded pre-check (deploy/kubernetes/precheck): the Indexed Job's
// completions, its --shard K/N and the merge Job's shard directories agree, both mount the claim, and the
// binary runs both commands on a tiny export. Prints one line per finding; exit 1 when there is any.
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

// Every document of the .yaml files in `directory`, validated against the API schemas.
async function readManifests(directory, prefix) {
  const found = [];
  for (const name of readdirSync(directory).filter((entry) => entry.endsWith('.yaml')).sort()) {
    const file = prefix + name;
    for (const document of parseAllDocuments(readFileSync(path.join(directory, name), 'utf8'))) {
      if (document.errors.length) {
        problem(file, document.errors[0].message);
        continue;
      }
      const object = document.toJS();
      if (object.apiVersion?.startsWith('kustomize.config.k8s.io')) {
        found.push({ file, object });
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
      found.push({ file, object });
    }
  }
  return found;
}

const resources = await readManifests(manifests, '');
const precheckResources = await readManifests(path.join(manifests, 'precheck'), 'precheck/');

// Fields no Kubernetes type names (a misspelt key, which the API server drops or refuses): each manifest
// as a typed object literal, checked by TypeScript's excess-property check against kubernetes-models'
// interfaces.
const generated = path.join(here, '.generated');
rmSync(generated, { recursive: true, force: true });
mkdirSync(generated);
const typed = [];
for (const [index, { file, object }] of [...resources, ...precheckResources].entries()) {
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

// The sharded pre-check: the Indexed Job's shard count, its --shard argument and the merge's shard
// directories agree, both use the claim, and pumpcds accepts both commands (run on a tiny export).
const jobNamed = (name) => precheckResources.find(({ object }) => object.kind === 'Job' && object.metadata?.name === name)?.object;
const shardJob = jobNamed('pumpcds-precheck');
const mergeJob = jobNamed('pumpcds-precheck-merge');
const claim = precheckResources.find(({ object }) => object.kind === 'PersistentVolumeClaim')?.object;
const precheckListed = new Set(precheckResources.find(({ object }) => object.kind === 'Kustomization')?.object?.resources ?? []);
for (const name of ['volume.yaml', 'precheck-job.yaml']) {
  if (!precheckListed.has(name)) problem('precheck/kustomization.yaml', `does not list ${name}`);
}
const argsOf = (job) => job?.spec?.template?.spec?.containers?.[0]?.args ?? [];
const claimOf = (job) => job?.spec?.template?.spec?.volumes?.[0]?.persistentVolumeClaim?.claimName;
const shards = shardJob?.spec?.completions;
if (shardJob?.spec?.completionMode !== 'Indexed') problem('precheck/precheck-job.yaml', 'the Job is not Indexed');
const shardArgs = argsOf(shardJob);
if (shardArgs[shardArgs.indexOf('--shard') + 1] !== `$(JOB_COMPLETION_INDEX)/${shards}`) {
  problem('precheck/precheck-job.yaml', `--shard is not $(JOB_COMPLETION_INDEX)/${shards} (completions)`);
}
const shardOut = shardArgs[shardArgs.indexOf('--out') + 1] ?? '';
const mergeArgs = argsOf(mergeJob);
const mergeDirs = mergeArgs.slice(2, mergeArgs.indexOf('--out'));
const expectedDirs = Array.from({ length: shards ?? 0 }, (_, k) => shardOut.replace('$(JOB_COMPLETION_INDEX)', `${k}`));
if (JSON.stringify(mergeDirs) !== JSON.stringify(expectedDirs)) {
  problem('precheck/merge-job.yaml', `merges ${mergeDirs.join(' ')}, not the ${shards} shard outputs ${expectedDirs.join(' ')}`);
}
for (const [file, job] of [['precheck/precheck-job.yaml', shardJob], ['precheck/merge-job.yaml', mergeJob]]) {
  if (!job || claimOf(job) !== claim?.metadata?.name) problem(file, 'does not mount the claim of volume.yaml');
}
if (binary && shardJob && mergeJob) {
  const data = mkdtempSync(path.join(tmpdir(), 'pumpcds-k8s-precheck-'));
  try {
    mkdirSync(path.join(data, 'export'));
    writeFileSync(path.join(data, 'export', 'Patient.ndjson'), '{"resourceType":"Patient","id":"a"}\n{"resourceType":"Patient","id":"b"}\n');
    writeFileSync(path.join(data, 'export', 'Coverage.ndjson'),
      '{"resourceType":"Coverage","id":"c","status":"active","beneficiary":{"reference":"Patient/a"},"payor":[{"display":"Ambetter Health"}]}\n');
    const run = (args, index) => {
      const concrete = args.map((arg) => arg.replaceAll('$(JOB_COMPLETION_INDEX)', `${index}`).replaceAll('/data/', `${data}/`));
      try {
        execFileSync(binary, concrete, { encoding: 'utf8', stdio: 'pipe' });
        return 0;
      } catch (error) {
        return error.status === 1 ? 0 : `${error.status}: ${error.stderr}`;
      }
    };
    for (let index = 0; index < shards; index += 1) {
      const failed = run(shardArgs, index);
      if (failed) problem('precheck/precheck-job.yaml', `shard ${index}: pumpcds exited ${failed}`);
    }
    const failed = run(mergeArgs, 0);
    if (failed) problem('precheck/merge-job.yaml', `pumpcds exited ${failed}`);
    else if (!readFileSync(path.join(data, 'out', 'all', 'results.ndjson'), 'utf8').includes('"patient":"a"')) {
      problem('precheck/merge-job.yaml', 'the merged results lack the patient the shards checked');
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

for (const line of problems) console.log(line);
console.log(problems.length ? `${problems.length} problem(s)` : `deploy/kubernetes: ${resources.length + precheckResources.length} documents valid`);
process.exit(problems.length ? 1 : 0);
