-- Accounts, sessions, units, people, appointments, training, risk lists, duty texts.
-- Instants are unix microseconds (bigint, UTC); calendar dates are text YYYY-MM-DD (Asia/Shanghai).
-- Record tables (trainings, risk_lists, risk_list_rows, duty_texts) are append-only: triggers refuse update/delete.

create table users (
    id integer primary key,
    username text not null,
    display_name text not null,
    password_hash text not null,
    is_admin bigint not null default 0,
    must_change_password bigint not null default 1,
    disabled bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null,
    constraint users_username_key unique (username)
);

create table regulator_grants (
    id integer primary key,
    user_id bigint not null references users (id),
    division_code text not null,
    created_at bigint not null,
    constraint regulator_grants_user_division_key unique (user_id, division_code)
);

create table sessions (
    id text primary key,
    user_id bigint not null references users (id),
    csrf_token text not null,
    created_at bigint not null,
    expires_at bigint not null
);
create index sessions_user_id_idx on sessions (user_id);

create table units (
    id integer primary key,
    name text not null,
    credit_code text not null,
    address text not null,
    division_code text not null,
    channel text not null,
    employees bigint not null,
    revenue_yuan bigint not null,
    category3_policy text not null default 'seed',
    created_by bigint not null references users (id),
    created_at bigint not null,
    updated_at bigint not null,
    constraint units_credit_code_key unique (credit_code)
);
create index units_division_code_idx on units (division_code);
create index units_created_by_idx on units (created_by);

create table unit_products (
    unit_id bigint not null references units (id),
    category_code text not null,
    catalogue text not null,
    catalogue_version text not null,
    created_at bigint not null,
    primary key (unit_id, category_code)
);

create table people (
    id integer primary key,
    unit_id bigint not null references units (id),
    name text not null,
    id_number_sealed blob,
    id_number_masked text,
    id_number_index text,
    phone text not null default '',
    user_id bigint references users (id),
    created_at bigint not null,
    updated_at bigint not null,
    constraint people_unit_id_number_key unique (unit_id, id_number_index)
);
create index people_unit_id_idx on people (unit_id);
create index people_user_id_idx on people (user_id);

create table appointments (
    id integer primary key,
    unit_id bigint not null references units (id),
    person_id bigint not null references people (id),
    post text not null,
    employment text not null,
    from_date text not null,
    to_date text,
    reason text not null default '',
    end_reason text,
    created_by bigint not null references users (id),
    created_at bigint not null,
    updated_at bigint not null
);
create index appointments_unit_id_idx on appointments (unit_id);
create index appointments_person_id_idx on appointments (person_id);
create index appointments_created_by_idx on appointments (created_by);

create table trainings (
    id integer primary key,
    unit_id bigint not null references units (id),
    person_id bigint not null references people (id),
    date text not null,
    content text not null,
    tenth_hours bigint not null,
    score bigint,
    passed bigint not null,
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index trainings_unit_id_idx on trainings (unit_id);
create index trainings_person_id_idx on trainings (person_id);
create index trainings_created_by_idx on trainings (created_by);

create table risk_lists (
    id integer primary key,
    unit_id bigint not null references units (id),
    version bigint not null,
    note text not null default '',
    created_by bigint not null references users (id),
    created_at bigint not null,
    constraint risk_lists_unit_version_key unique (unit_id, version)
);
create index risk_lists_created_by_idx on risk_lists (created_by);

create table risk_list_rows (
    id integer primary key,
    list_id bigint not null references risk_lists (id),
    position bigint not null,
    stage text not null,
    risk_point text not null,
    description text not null,
    measure text not null,
    target text not null,
    frequency text not null,
    role text not null,
    daily_item text,
    created_at bigint not null
);
create index risk_list_rows_list_id_idx on risk_list_rows (list_id);

create table duty_texts (
    id integer primary key,
    unit_id bigint not null references units (id),
    kind text not null,
    version bigint not null,
    body text not null,
    created_by bigint not null references users (id),
    created_at bigint not null,
    constraint duty_texts_unit_kind_version_key unique (unit_id, kind, version)
);
create index duty_texts_created_by_idx on duty_texts (created_by);

create trigger trainings_append_only_update before update on trainings
begin select raise(abort, 'append-only: trainings'); end;
create trigger trainings_append_only_delete before delete on trainings
begin select raise(abort, 'append-only: trainings'); end;
create trigger risk_lists_append_only_update before update on risk_lists
begin select raise(abort, 'append-only: risk_lists'); end;
create trigger risk_lists_append_only_delete before delete on risk_lists
begin select raise(abort, 'append-only: risk_lists'); end;
create trigger risk_list_rows_append_only_update before update on risk_list_rows
begin select raise(abort, 'append-only: risk_list_rows'); end;
create trigger risk_list_rows_append_only_delete before delete on risk_list_rows
begin select raise(abort, 'append-only: risk_list_rows'); end;
create trigger duty_texts_append_only_update before update on duty_texts
begin select raise(abort, 'append-only: duty_texts'); end;
create trigger duty_texts_append_only_delete before delete on duty_texts
begin select raise(abort, 'append-only: duty_texts'); end;
