-- Photos of what checks found, stored once per unit under the SHA-256 of their bytes; a check item names its photos.
-- Append-only.

create table photos (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    sha256 text not null,
    content_type text not null,
    size bigint not null,
    bytes bytea not null,
    created_by bigint not null references users (id),
    created_at bigint not null,
    constraint photos_unit_sha256_key unique (unit_id, sha256)
);
create index photos_created_by_idx on photos (created_by);

alter table daily_check_items add column photos text not null default '';

create trigger photos_append_only before update or delete on photos
    for each row execute function refuse_change();
