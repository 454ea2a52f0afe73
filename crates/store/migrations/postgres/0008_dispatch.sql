-- The monthly dispatch (月调度): minutes, next month's key work as tasks, task completions and the principal's
-- confirmation; self-inspections (自查), which may open a hazard. All append-only; each is logged.

create table monthly_meetings (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    period text not null,
    held_at text not null,
    place text not null,
    host text not null,
    recorder text not null,
    attendees text not null,
    draft text not null,
    report text not null,
    summary text not null,
    decisions text not null,
    amends bigint references monthly_meetings (id),
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index monthly_meetings_unit_period_idx on monthly_meetings (unit_id, period);
create index monthly_meetings_amends_idx on monthly_meetings (amends);
create index monthly_meetings_created_by_idx on monthly_meetings (created_by);

create table monthly_tasks (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references monthly_meetings (id),
    unit_id bigint not null references units (id),
    position bigint not null,
    work text not null,
    owner text not null,
    due text not null,
    created_at bigint not null
);
create index monthly_tasks_meeting_id_idx on monthly_tasks (meeting_id);
create index monthly_tasks_unit_id_idx on monthly_tasks (unit_id);

create table task_completions (
    id bigint generated always as identity primary key,
    task_id bigint not null references monthly_tasks (id),
    note text not null,
    created_by bigint not null references users (id),
    created_at bigint not null,
    constraint task_completions_task_key unique (task_id)
);
create index task_completions_created_by_idx on task_completions (created_by);

create table monthly_confirmations (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references monthly_meetings (id),
    note text not null,
    created_by bigint not null references users (id),
    created_at bigint not null,
    constraint monthly_confirmations_meeting_key unique (meeting_id)
);
create index monthly_confirmations_created_by_idx on monthly_confirmations (created_by);

create table self_inspections (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    day text not null,
    scope text not null,
    findings text not null,
    measures text not null,
    weekly_review_id bigint references weekly_reviews (id),
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index self_inspections_unit_day_idx on self_inspections (unit_id, day);
create index self_inspections_weekly_review_id_idx on self_inspections (weekly_review_id);
create index self_inspections_created_by_idx on self_inspections (created_by);

alter table hazards add column source_inspection_id bigint references self_inspections (id);
create index hazards_source_inspection_id_idx on hazards (source_inspection_id);

create trigger monthly_meetings_append_only before update or delete on monthly_meetings
    for each row execute function refuse_change();
create trigger monthly_tasks_append_only before update or delete on monthly_tasks
    for each row execute function refuse_change();
create trigger task_completions_append_only before update or delete on task_completions
    for each row execute function refuse_change();
create trigger monthly_confirmations_append_only before update or delete on monthly_confirmations
    for each row execute function refuse_change();
create trigger self_inspections_append_only before update or delete on self_inspections
    for each row execute function refuse_change();
