-- Vetoes (否决建议) and the principal's answers. Both append-only; each is logged.

create table vetoes (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    product text not null,
    defect text not null,
    proposal text not null,
    proposed_by bigint not null references users (id),
    created_at bigint not null
);
create index vetoes_unit_id_idx on vetoes (unit_id);
create index vetoes_proposed_by_idx on vetoes (proposed_by);

create table veto_answers (
    id bigint generated always as identity primary key,
    veto_id bigint not null references vetoes (id),
    decision text not null,
    reasons text not null,
    measures text not null,
    answered_by bigint not null references users (id),
    created_at bigint not null,
    constraint veto_answers_veto_key unique (veto_id)
);
create index veto_answers_answered_by_idx on veto_answers (answered_by);

create trigger vetoes_append_only before update or delete on vetoes
    for each row execute function refuse_change();
create trigger veto_answers_append_only before update or delete on veto_answers
    for each row execute function refuse_change();
