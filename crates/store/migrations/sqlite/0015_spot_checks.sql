-- Random supervisory spot checks (随机监督抽查考核): a plan with its frozen candidate list, the seed's commitment,
-- the draw, the exam the drawn people sit, the published results; rectification orders to units that failed.
-- Each step is written once (a later step fills columns that were empty) and logged.

create table spot_check_plans (
    id integer primary key,
    title text not null,
    division_code text not null,
    categories text not null,
    sample text not null,
    people_per_unit bigint not null,
    blueprint text not null,
    rectify_days bigint not null,
    seed_sealed blob not null,
    commitment text not null,
    candidates text not null,
    list_sha256 text not null,
    seed text,
    drawn text,
    drawn_at bigint,
    exam_id bigint references exams (id),
    results text,
    published_at bigint,
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index spot_check_plans_division_code_idx on spot_check_plans (division_code);
create index spot_check_plans_exam_id_idx on spot_check_plans (exam_id);
create index spot_check_plans_created_by_idx on spot_check_plans (created_by);

create table rectification_orders (
    id integer primary key,
    plan_id bigint not null references spot_check_plans (id),
    unit_id bigint not null references units (id),
    person_id bigint references people (id),
    attempt_id bigint references exam_attempts (id),
    reason text not null,
    due_date text not null,
    created_by bigint not null references users (id),
    created_at bigint not null,
    reported_at bigint,
    report_kind text,
    report_text text,
    report_attempt_id bigint references exam_attempts (id),
    reported_by bigint references users (id)
);
create index rectification_orders_plan_id_idx on rectification_orders (plan_id);
create index rectification_orders_unit_id_idx on rectification_orders (unit_id);
create index rectification_orders_person_id_idx on rectification_orders (person_id);
create index rectification_orders_attempt_id_idx on rectification_orders (attempt_id);
create index rectification_orders_created_by_idx on rectification_orders (created_by);
create index rectification_orders_report_attempt_id_idx on rectification_orders (report_attempt_id);
create index rectification_orders_reported_by_idx on rectification_orders (reported_by);

create trigger spot_check_plans_no_delete before delete on spot_check_plans
begin select raise(abort, 'append-only: spot_check_plans'); end;
create trigger spot_check_plans_once before update on spot_check_plans
when old.commitment is not new.commitment or old.candidates is not new.candidates or old.list_sha256 is not new.list_sha256
    or (old.seed is not null and old.seed is not new.seed) or (old.drawn is not null and old.drawn is not new.drawn)
    or (old.results is not null and old.results is not new.results)
begin select raise(abort, 'written once: spot_check_plans'); end;
create trigger rectification_orders_no_delete before delete on rectification_orders
begin select raise(abort, 'append-only: rectification_orders'); end;
create trigger rectification_orders_once before update on rectification_orders
when old.reported_at is not null or old.reason is not new.reason or old.due_date is not new.due_date
begin select raise(abort, 'written once: rectification_orders'); end;
