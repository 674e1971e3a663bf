-- ChargeRegistry, SQLite schema 3: the ID Registration Office (issue #5). Same tables as
-- Migrations/postgres/0003_party_register.sql; times are microseconds since 1970 (UTC).

-- Settings of the office: `countries` (the ISO 3166-1 alpha-2 codes it issues for, comma-
-- separated), `quarantine_days` (how long a revoked code is kept from re-issue).
CREATE TABLE office_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);

-- Organisations holding codes. Only legal_name, trade_name, country, helpdesk_phone and website
-- are published.
CREATE TABLE organisations (
    id              INTEGER PRIMARY KEY,
    legal_name      text NOT NULL,
    trade_name      text,
    company_id      text NOT NULL,
    legal_form      text,
    address         text NOT NULL,
    country         text NOT NULL,
    representative  text,
    contact_name    text NOT NULL,
    contact_email   text NOT NULL,
    contact_phone   text,
    helpdesk_phone  text,
    website         text,
    created_at      bigint NOT NULL
);
CREATE UNIQUE INDEX organisations_company ON organisations (country, company_id);

-- Applications for a code; secret_hash is the SHA-256 of the applicant's follow-up secret.
CREATE TABLE applications (
    id              INTEGER PRIMARY KEY,
    status          text NOT NULL CHECK (status IN ('SUBMITTED', 'UNDER_REVIEW', 'INFO_REQUESTED', 'APPROVED', 'REJECTED')),
    country         text NOT NULL,
    roles           text NOT NULL,
    proposed_code   text,
    organisation    text NOT NULL,
    note            text,
    secret_hash     text NOT NULL,
    submitted_at    bigint NOT NULL,
    updated_at      bigint NOT NULL,
    organisation_id bigint REFERENCES organisations (id),
    issued_code     text,
    token_issued_at bigint
);
CREATE INDEX applications_status ON applications (status, id);

-- What the office and the applicant said to each other about an application.
CREATE TABLE application_messages (
    application_id bigint NOT NULL REFERENCES applications (id),
    at             bigint NOT NULL,
    author         text NOT NULL CHECK (author IN ('office', 'applicant')),
    body           text NOT NULL
);
CREATE INDEX application_messages_application ON application_messages (application_id, at);

-- Issued codes. At most one live row per code (case-insensitive: stored upper case); a revoked
-- code stays live (quarantined) until released.
CREATE TABLE party_codes (
    id               INTEGER PRIMARY KEY,
    code             text NOT NULL,
    roles            text NOT NULL,
    organisation_id  bigint NOT NULL REFERENCES organisations (id),
    status           text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED', 'RELEASED')),
    issued_at        bigint NOT NULL,
    status_changed_at bigint NOT NULL,
    quarantine_until bigint,
    application_id   bigint REFERENCES applications (id)
);
CREATE UNIQUE INDEX party_codes_live ON party_codes (code) WHERE status <> 'RELEASED';

-- The public history of a code: issue, status changes and transfers, with the holder after each.
CREATE TABLE party_code_events (
    party_code_id   bigint NOT NULL REFERENCES party_codes (id),
    at              bigint NOT NULL,
    event           text NOT NULL,
    status          text NOT NULL,
    organisation_id bigint NOT NULL REFERENCES organisations (id)
);
CREATE INDEX party_code_events_code ON party_code_events (party_code_id, at);

-- Another IDRO's public register, imported read-only; keyed by code, re-import updates.
CREATE TABLE foreign_parties (
    code        text PRIMARY KEY,
    roles       text NOT NULL,
    holder_name text NOT NULL,
    status      text NOT NULL,
    source      text NOT NULL,
    imported_at bigint NOT NULL
);

-- A holder's permission for another party to publish EVSE IDs under its operator code
-- (sub-operators, white labels; OCPI credentials note, registries.md §1.3).
CREATE TABLE code_authorisations (
    holder_code     text NOT NULL,
    authorised_code text NOT NULL,
    created_at      bigint NOT NULL,
    PRIMARY KEY (holder_code, authorised_code)
);

-- Bearer tokens, stored as the SHA-256 of the secret only.
CREATE TABLE access_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('office', 'operator', 'reader')),
    parties     text NOT NULL DEFAULT '',
    label       text NOT NULL,
    created_at  bigint NOT NULL,
    created_by  text NOT NULL,
    revoked_at  bigint
);

-- Everything the office did: who, when, what, to what, why.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      bigint NOT NULL,
    actor   text NOT NULL,
    action  text NOT NULL,
    subject text NOT NULL,
    reason  text,
    detail  text
);
CREATE INDEX audit_log_subject ON audit_log (subject, id);
