// The DTR app: after the SMART launch, asks pumpcds to prefill the policy's Questionnaire from the record
// ($populate: what is met is filled in and read-only), lets the clinician answer the rest in LHC-Forms,
// saves the completed QuestionnaireResponse to the EHR's FHIR server, and asks again to show where the
// order now stands. pumpcds is this page's own origin: the app is served under its /app/.
'use strict';

const service = new URL('../', window.location.href); // pumpcds's root
const statusLine = document.getElementById('status');

function say(text, error = false) {
  statusLine.textContent = text;
  statusLine.className = error ? 'error' : '';
}

// What the launch gave: the card's appContext (SMART), else what an absolute link put in its query.
function launchContext(client) {
  const token = client.state.tokenResponse || {};
  let context = {};
  try {
    context = token.appContext ? JSON.parse(token.appContext) : {};
  } catch (error) {
    context = {};
  }
  const linked = JSON.parse(sessionStorage.getItem('pumpcds-link-context') || '{}');
  const fhirContext = (token.fhirContext || []).map((item) => item.reference).filter(Boolean);
  const list = (value) => (value === undefined ? [] : [].concat(value));
  return {
    patient: client.patient.id || context.patient || linked.patient,
    questionnaire: list(context.questionnaire || linked.questionnaire)[0],
    orders: list(context.order || linked.order).concat(
      fhirContext.filter((reference) => /^(ServiceRequest|DeviceRequest|MedicationRequest)\//.test(reference))),
    draftOrders: list(context.draftOrders),
  };
}

// The orders to fill the questionnaire for: the drafts the card carried (an EHR may not have stored them
// yet), else each referenced order read from the EHR.
async function ordersOf(client, context) {
  if (context.draftOrders.length > 0) {
    return context.draftOrders;
  }
  return Promise.all([...new Set(context.orders)].map((reference) => client.request(reference)));
}

async function callService(path, options = {}) {
  const answer = await fetch(new URL(path, service), options);
  const body = await answer.json();
  if (!answer.ok) {
    const issue = body.issue && body.issue[0];
    throw new Error((issue && issue.diagnostics) || 'pumpcds answered HTTP ' + answer.status);
  }
  return body;
}

async function populate(client, context, orders) {
  const parameter = [
    { name: 'subject', valueReference: { reference: 'Patient/' + context.patient } },
    { name: 'fhirServer', valueUrl: client.state.serverUrl },
  ];
  if (context.questionnaire) {
    parameter.push({ name: 'canonical', valueCanonical: context.questionnaire });
  }
  for (const order of orders) {
    parameter.push({ name: 'context', part: [{ name: 'name', valueString: 'order' }, { name: 'content', resource: order }] });
  }
  const headers = { 'Content-Type': 'application/fhir+json', Accept: 'application/fhir+json' };
  const token = client.state.tokenResponse && client.state.tokenResponse.access_token;
  if (token) {
    headers.Authorization = 'Bearer ' + token; // pumpcds sends it only to the fhirServer above
  }
  const output = await callService('fhir/Questionnaire/$populate', {
    method: 'POST',
    headers,
    body: JSON.stringify({ resourceType: 'Parameters', parameter }),
  });
  const named = (name) => (output.parameter || []).filter((item) => item.name === name);
  return {
    response: named('response')[0].resource,
    decision: (named('decision')[0] || {}).valueCode,
    missing: named('missing').map((item) => item.valueString),
  };
}

async function questionnaireFor(canonical) {
  const url = canonical.split('|')[0];
  const bundle = await callService('fhir/Questionnaire?url=' + encodeURIComponent(url));
  if (!bundle.entry || bundle.entry.length === 0) {
    throw new Error('pumpcds serves no questionnaire ' + url);
  }
  return bundle.entry[0].resource;
}

// The questions still open in a prefilled response: the "attest" group's items without an answer, of
// those its origin enables (the only enableWhen the generated questionnaires use).
function openQuestions(questionnaire, response) {
  const attest = (questionnaire.item || []).find((item) => item.linkId === 'attest');
  const answered = new Set();
  let origin;
  for (const item of response.item || []) {
    if (item.linkId === 'origin' && item.answer) {
      origin = item.answer[0].valueCoding.code;
    }
    for (const child of item.item || []) {
      if (child.answer && child.answer.length > 0) {
        answered.add(child.linkId);
      }
    }
  }
  const enabled = (item) =>
    !item.enableWhen || item.enableWhen.every((when) => when.question !== 'origin' || when.answerCoding.code === origin);
  return attest ? attest.item.filter((item) => enabled(item) && !answered.has(item.linkId)).length : 0;
}

function showStanding(state) {
  const result = document.getElementById('result');
  if (state.decision === 'complete') {
    result.textContent = 'Complete: ready to request prior authorization.';
    result.className = 'complete';
    return;
  }
  result.className = '';
  result.replaceChildren();
  const heading = document.createElement('p');
  heading.textContent = 'Saved. Still missing for prior authorization (' + state.missing.length + '):';
  const list = document.createElement('ul');
  for (const missing of state.missing) {
    const item = document.createElement('li');
    item.textContent = missing;
    list.appendChild(item);
  }
  result.append(heading, list);
}

// Every attachment answered in a response's items (nested under answers too).
function attachmentsOf(items, found = []) {
  for (const item of items || []) {
    for (const answer of item.answer || []) {
      if (answer.valueAttachment) {
        found.push({ item, answer });
      }
      attachmentsOf(answer.item, found);
    }
    attachmentsOf(item.item, found);
  }
  return found;
}

// Each attached document becomes a DocumentReference of the patient on the EHR's FHIR server, and the
// answer points at it: the record keeps the document as a document, not buried in a form.
async function saveAttachments(client, context, questionnaire, response) {
  for (const { item, answer } of attachmentsOf(response.item)) {
    const document = await client.create({
      resourceType: 'DocumentReference',
      status: 'current',
      docStatus: 'final',
      type: { text: item.text || item.linkId },
      subject: { reference: 'Patient/' + context.patient },
      date: new Date().toISOString(),
      ...(client.user && client.user.fhirUser ? { author: [{ reference: client.user.fhirUser }] } : {}),
      description: questionnaire.title + ' (' + item.linkId + ')',
      content: [{ attachment: answer.valueAttachment }],
    });
    answer.valueAttachment = {
      contentType: answer.valueAttachment.contentType,
      title: answer.valueAttachment.title,
      url: 'DocumentReference/' + document.id,
    };
  }
}

async function save(client, context, questionnaire, orders, basedOn) {
  const form = document.getElementById('form');
  const response = LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', form);
  await saveAttachments(client, context, questionnaire, response);
  response.status = 'completed';
  response.questionnaire = questionnaire.url + '|' + questionnaire.version;
  response.subject = { reference: 'Patient/' + context.patient };
  response.authored = new Date().toISOString();
  if (client.user && client.user.fhirUser) {
    response.author = { reference: client.user.fhirUser };
  }
  if (basedOn) {
    response.basedOn = basedOn;
  }
  delete response.id;
  const saved = await client.create(response);
  say('Saved as QuestionnaireResponse/' + saved.id + '. Checking the order again…');
  const state = await populate(client, context, orders);
  showStanding(state);
  say('Saved as QuestionnaireResponse/' + saved.id + '.');
}

async function main() {
  const client = await FHIR.oauth2.ready();
  const context = launchContext(client);
  if (!context.patient) {
    throw new Error('the launch named no patient');
  }
  const orders = await ordersOf(client, context);
  if (orders.length === 0) {
    throw new Error('the launch named no order to document');
  }
  const first = await populate(client, context, orders);
  const questionnaire = await questionnaireFor(first.response.questionnaire);
  document.getElementById('title').textContent = questionnaire.title;
  const pump = orders.find((order) => order.resourceType !== 'MedicationRequest') || orders[0];
  const code = (pump.code && (pump.code.text || (pump.code.coding || []).map((c) => c.display || c.code).join(', '))) || '';
  document.getElementById('order').textContent = 'Order: ' + pump.resourceType + '/' + pump.id + (code ? ' (' + code + ')' : '');
  document.getElementById('policy').textContent =
    questionnaire.publisher + ', effective ' + ((questionnaire.effectivePeriod || {}).start || 'unknown');
  await LForms.Util.addFormToPage(questionnaire, 'form', { questionnaireResponse: first.response });
  const open = openQuestions(questionnaire, first.response);
  say(open === 0 ? 'Nothing is left to attest.' : open + (open === 1 ? ' item' : ' items') + ' to attest. What the record shows is filled in and read-only.');
  const button = document.getElementById('save');
  button.disabled = false;
  button.addEventListener('click', () => {
    button.disabled = true;
    save(client, context, questionnaire, orders, first.response.basedOn).catch((error) => {
      say('Not saved: ' + error.message, true);
      button.disabled = false;
    });
  });
}

main().catch((error) => say('Could not open the questionnaire: ' + error.message, true));
