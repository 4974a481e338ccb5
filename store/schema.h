// The store's schema as numbered migrations, one text for SQLite and PostgreSQL: {{id}}, {{bigint}},
// {{double}} and {{without_rowid}} become each database's words (SqlConnection::dialect). A store applies,
// in one transaction each, those it has not applied yet and records them in schema_migrations. Never edit
// a migration once released (its SQLite text must stay what it was); add one.
#pragma once

#include <string_view>

namespace pumpcds::store {

struct Migration {
  int version;
  std::string_view sql;
};

inline constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE hook_call (
  id {{id}},
  time TEXT NOT NULL,
  request_id TEXT NOT NULL,
  service TEXT NOT NULL,
  hook TEXT NOT NULL,
  hook_instance TEXT NOT NULL,
  issuer TEXT NOT NULL,
  client TEXT NOT NULL,
  fhir_server_host TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  library_revision TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  total_ms {{double}} NOT NULL,
  fhir_ms {{double}} NOT NULL,
  evaluation_ms {{double}} NOT NULL
);
CREATE INDEX hook_call_time ON hook_call (time);
CREATE INDEX hook_call_request ON hook_call (request_id);
CREATE TABLE order_decision (
  call_id {{bigint}} NOT NULL REFERENCES hook_call (id),
  order_ref TEXT NOT NULL,
  code TEXT NOT NULL,
  policy TEXT NOT NULL,
  decision TEXT NOT NULL,
  prior_auth TEXT NOT NULL,
  PRIMARY KEY (call_id, order_ref)
){{without_rowid}};
CREATE TABLE criterion_status (
  call_id {{bigint}} NOT NULL REFERENCES hook_call (id),
  order_ref TEXT NOT NULL,
  criterion TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (call_id, order_ref, criterion)
){{without_rowid}};
CREATE TABLE card (
  uuid TEXT PRIMARY KEY,
  call_id {{bigint}} NOT NULL REFERENCES hook_call (id),
  order_ref TEXT NOT NULL
);
CREATE TABLE feedback (
  id {{id}},
  card_uuid TEXT NOT NULL REFERENCES card (uuid),
  outcome TEXT NOT NULL,
  outcome_timestamp TEXT NOT NULL,
  override_system TEXT NOT NULL,
  override_code TEXT NOT NULL,
  override_comment TEXT NOT NULL,
  accepted_suggestions TEXT NOT NULL,
  received TEXT NOT NULL,
  UNIQUE (card_uuid, outcome, outcome_timestamp)
);
)sql"},
    // The JWT replay cache, shared by every replica that uses the same database.
    {2, R"sql(
CREATE TABLE token_seen (
  issuer TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires {{bigint}} NOT NULL,
  PRIMARY KEY (issuer, jti)
){{without_rowid}};
CREATE INDEX token_seen_expires ON token_seen (expires);
)sql"},
};

} // namespace pumpcds::store
