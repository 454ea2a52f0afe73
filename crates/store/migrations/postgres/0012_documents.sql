-- The verification codes printed on documents: each names the records a document shows (their log indexes), so the
-- public page /v/{code} can say whether each is on the log, since when, and whether it was amended. A code is
-- derived from what it names, so making the same document again gives the same code.

create table document_codes (
    code text primary key,
    unit_id bigint not null references units (id),
    kind text not null,
    title text not null,
    period text not null,
    leaves text not null,
    created_at bigint not null
);
create index document_codes_unit_id_idx on document_codes (unit_id);
