-- A unit's rhythm: closed weekdays, the cadence of each tier, its own names for the three records; and its recorded
-- suspensions of business (停业), append-only.

alter table units add column closed_weekdays text not null default '';
alter table units add column daily_cadence text not null default '1d';
alter table units add column weekly_cadence text not null default '1w';
alter table units add column monthly_cadence text not null default '1m';
alter table units add column daily_name text not null default '';
alter table units add column weekly_name text not null default '';
alter table units add column monthly_name text not null default '';

create table suspensions (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    from_date text not null,
    to_date text not null,
    reason text not null,
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index suspensions_unit_id_idx on suspensions (unit_id);
create index suspensions_created_by_idx on suspensions (created_by);

create trigger suspensions_append_only before update or delete on suspensions
    for each row execute function refuse_change();
