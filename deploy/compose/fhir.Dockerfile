# The demo's FHIR server: the test FHIR server (tests/fhir_server, Medplum's router in memory) with the
# Synthea patients of tests/data/synthea loaded at start by fhir-demo.mjs.
FROM debian:12-slim
RUN apt-get update -q && apt-get install -y -q --no-install-recommends ca-certificates nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY tests/fhir_server/package.json tests/fhir_server/package-lock.json tests/fhir_server/install tests/fhir_server/
RUN tests/fhir_server/install
COPY tests/fhir_server/server.mjs tests/fhir_server/
COPY tests/data/synthea tests/data/synthea
COPY deploy/compose/fhir-demo.mjs deploy/compose/
USER nobody
EXPOSE 8080
ENTRYPOINT ["tests/fhir_server/node_modules/.bin/node", "deploy/compose/fhir-demo.mjs", "--host", "0.0.0.0", "--port", "8080"]
