-- What the regulator's dashboard reads instead of every record. Each unit keeps its duties as last assessed
-- (null until assessed); the decided slots of every unit (`zhian_domain::outcomes`) are summed by the unit's
-- division and scope, the tier, the window and whether every day of the window is closed. Every change that moves a
-- sum — a record, a unit's profile or settings, a suspension — updates it in its own transaction.

alter table units add column in_scope bigint;
alter table units add column director_required bigint;
alter table units add column officer_required bigint;

create table slot_tallies (
    division_code text not null,
    in_scope bigint not null,
    tier text not null,
    first_day bigint not null,
    last_day bigint not null,
    excusable bigint not null,
    done bigint not null,
    late bigint not null,
    created_at bigint not null,
    primary key (division_code, in_scope, tier, first_day, last_day, excusable)
);

-- A jurisdiction's units read from the index alone, grouped by what their figures depend on; open hazards found
-- without reading closed ones.
create index units_oversight_idx on units (division_code, in_scope, director_required, officer_required,
    daily_cadence, weekly_cadence, monthly_cadence, closed_weekdays, created_at);
create index hazards_open_idx on hazards (unit_id) where status <> 'closed';
