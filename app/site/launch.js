// SMART App Launch 2: an EHR launch (iss and launch in the query), a standalone launch (iss only), or an
// absolute link from a card (iss, patient, order, questionnaire in the query). fhirclient reads the FHIR
// server's .well-known/smart-configuration, authorizes with PKCE where the server supports it, and for an
// open server (no authorization at all, as public sandboxes are) goes straight on with the patient given.
'use strict';
(function launch() {
  const query = new URLSearchParams(window.location.search);
  const linked = {};
  for (const key of ['patient', 'questionnaire', 'coverage']) {
    if (query.get(key)) {
      linked[key] = query.get(key);
    }
  }
  linked.order = query.getAll('order'); // the pump order and its drug
  sessionStorage.setItem('pumpcds-link-context', JSON.stringify(linked));
  FHIR.oauth2
    .authorize({
      clientId: query.get('client_id') || 'pumpcds-dtr',
      scope: 'launch launch/patient openid fhirUser patient/*.read patient/QuestionnaireResponse.write',
      redirectUri: 'index.html',
      patientId: linked.patient, // used only by an open server, which has no launch context to give
      pkceMode: 'ifSupported',
    })
    .catch((error) => {
      document.getElementById('status').textContent = 'Could not connect to the EHR: ' + error.message;
    });
})();
