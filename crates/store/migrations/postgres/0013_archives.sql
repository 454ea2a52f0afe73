-- A period archive as exported: the unit, the dates it covers and the SHA-256 of its manifest, which lists every
-- file in it. Logged, so the manifest (and through it every document) is anchored on the log.

create table archives (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    from_date text not null,
    to_date text not null,
    manifest_sha256 text not null,
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index archives_unit_id_idx on archives (unit_id);
create index archives_created_by_idx on archives (created_by);

create trigger archives_append_only before update or delete on archives
    for each row execute function refuse_change();
