-- The transparency log in the database: every leaf, every stored hash of the Merkle tree (numbered as in C2SP
-- tlog-tiles / Go's tlog StoredHashIndex), the compact frontier of the current tree, and every signed checkpoint.
-- Appended in the same transaction as the record they prove; append-only.

create table log_state (
    id bigint primary key,
    hash_alg text not null,
    size bigint not null,
    frontier bytea not null,
    created_at bigint not null,
    updated_at bigint not null
);

insert into log_state (id, hash_alg, size, frontier, created_at, updated_at) values (1, 'sm3', 0, '\x'::bytea, 0, 0);

create table log_leaves (
    idx bigint primary key,
    kind text not null,
    record_id bigint not null,
    unit_id bigint references units (id),
    leaf text not null,
    created_at bigint not null
);
create index log_leaves_kind_record_idx on log_leaves (kind, record_id);
create index log_leaves_unit_id_idx on log_leaves (unit_id);

create table log_hashes (
    idx bigint primary key,
    hash bytea not null,
    created_at bigint not null
);

create table log_checkpoints (
    size bigint primary key,
    note text not null,
    created_at bigint not null
);

create trigger log_leaves_append_only before update or delete on log_leaves
    for each row execute function refuse_change();
create trigger log_hashes_append_only before update or delete on log_hashes
    for each row execute function refuse_change();
create trigger log_checkpoints_append_only before update or delete on log_checkpoints
    for each row execute function refuse_change();
