-- The hazard loop: owner and deadline on the hazard, and every step taken as an append-only event.

alter table hazards add column owner text;
alter table hazards add column deadline text;

create table hazard_events (
    id integer primary key,
    hazard_id bigint not null references hazards (id),
    step text not null,
    text text not null,
    status_after text not null,
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index hazard_events_hazard_id_idx on hazard_events (hazard_id);
create index hazard_events_created_by_idx on hazard_events (created_by);

create table notifications (
    id integer primary key,
    user_id bigint not null references users (id),
    unit_id bigint not null references units (id),
    message text not null,
    link text not null,
    read_at bigint,
    created_at bigint not null
);
create index notifications_user_id_idx on notifications (user_id);
create index notifications_unit_id_idx on notifications (unit_id);

create trigger hazard_events_append_only_update before update on hazard_events
begin select raise(abort, 'append-only: hazard_events'); end;
create trigger hazard_events_append_only_delete before delete on hazard_events
begin select raise(abort, 'append-only: hazard_events'); end;
