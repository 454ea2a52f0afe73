-- Daily checks (日管控) with their items, and the hazards (风险隐患) their non-conformities open.
-- Checks and items are append-only: a correction is a new check that names the one it amends.

create table daily_checks (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    period text not null,
    zero_risk bigint not null,
    note text not null default '',
    risk_list_version bigint,
    amends bigint references daily_checks (id),
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index daily_checks_unit_period_idx on daily_checks (unit_id, period);
create index daily_checks_amends_idx on daily_checks (amends);
create index daily_checks_created_by_idx on daily_checks (created_by);

create table daily_check_items (
    id bigint generated always as identity primary key,
    check_id bigint not null references daily_checks (id),
    position bigint not null,
    risk_point text not null,
    item text not null,
    result text not null,
    note text not null default '',
    created_at bigint not null
);
create index daily_check_items_check_id_idx on daily_check_items (check_id);

create table hazards (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    source_check_id bigint references daily_checks (id),
    title text not null,
    description text not null,
    status text not null,
    created_by bigint not null references users (id),
    created_at bigint not null,
    updated_at bigint not null
);
create index hazards_unit_id_idx on hazards (unit_id);
create index hazards_source_check_id_idx on hazards (source_check_id);
create index hazards_created_by_idx on hazards (created_by);

create trigger daily_checks_append_only before update or delete on daily_checks
    for each row execute function refuse_change();
create trigger daily_check_items_append_only before update or delete on daily_check_items
    for each row execute function refuse_change();
