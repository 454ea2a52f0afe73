-- The question bank (versioned), exams, their attempts and answers, and training sessions with attendees.
-- A bank version is one import; a question's row is written once per version in which it was added, changed or
-- retired, so the bank at version V is, for each code, its latest row at or before V unless that row retires it.
-- Papers name question rows, so a paper reads the same whatever the bank becomes.

create table bank_versions (
    version bigint primary key,
    source text not null,
    note text not null,
    added bigint not null,
    changed bigint not null,
    retired bigint not null,
    created_by bigint references users (id),
    created_at bigint not null
);
create index bank_versions_created_by_idx on bank_versions (created_by);

create table questions (
    id bigint generated always as identity primary key,
    code text not null,
    bank_version bigint not null references bank_versions (version),
    retired bigint not null,
    kind text not null,
    area text not null,
    categories text not null,
    difficulty bigint not null,
    stem text not null,
    options text not null,
    answer bigint not null,
    basis text not null,
    explanation text not null,
    created_at bigint not null,
    constraint questions_code_version_key unique (code, bank_version)
);
create index questions_bank_version_idx on questions (bank_version);

-- An exam: an internal assessment set by a unit (unit_id) or a spot check's session (plan_id, later); its
-- blueprint (JSON) and the bank version its papers are drawn from.
create table exams (
    id bigint generated always as identity primary key,
    unit_id bigint references units (id),
    title text not null,
    blueprint text not null,
    bank_version bigint not null references bank_versions (version),
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index exams_unit_id_idx on exams (unit_id);
create index exams_bank_version_idx on exams (bank_version);
create index exams_created_by_idx on exams (created_by);

-- One person's sitting of an exam. The paper (JSON: question row, option order, points) is drawn when the attempt
-- is made, from its seed; the candidate opens it by a link whose token is found by its SHA-256 and kept sealed
-- (for whoever set the exam to show the link again). Once submitted
-- (or timed out and marked) the row does not change.
create table exam_attempts (
    id bigint generated always as identity primary key,
    exam_id bigint not null references exams (id),
    unit_id bigint not null references units (id),
    person_id bigint not null references people (id),
    token_sha256 text not null,
    token_sealed bytea not null,
    mode text not null,
    seed text not null,
    paper text not null,
    minutes bigint not null,
    started_at bigint,
    deadline_at bigint,
    submitted_at bigint,
    timed_out bigint not null default 0,
    earned bigint,
    possible bigint,
    passed bigint,
    areas text,
    answers text,
    created_by bigint not null references users (id),
    created_at bigint not null,
    constraint exam_attempts_token_key unique (token_sha256)
);
create index exam_attempts_exam_id_idx on exam_attempts (exam_id);
create index exam_attempts_unit_id_idx on exam_attempts (unit_id);
create index exam_attempts_person_id_idx on exam_attempts (person_id);
create index exam_attempts_created_by_idx on exam_attempts (created_by);


-- The answer to one question of an attempt as last saved (options as shown, positions as written are derived).
create table exam_answers (
    attempt_id bigint not null references exam_attempts (id),
    position bigint not null,
    choice bigint not null,
    saved_at bigint not null,
    created_at bigint not null,
    primary key (attempt_id, position)
);

create table training_sessions (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    date text not null,
    topic text not null,
    tenth_hours bigint not null,
    trainer text not null,
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index training_sessions_unit_id_idx on training_sessions (unit_id);
create index training_sessions_created_by_idx on training_sessions (created_by);

create table training_attendees (
    session_id bigint not null references training_sessions (id),
    person_id bigint not null references people (id),
    created_at bigint not null,
    primary key (session_id, person_id)
);
create index training_attendees_person_id_idx on training_attendees (person_id);

create function refuse_change_after_submission() returns trigger language plpgsql as $$
begin
    if old.submitted_at is not null then
        raise exception 'final: %', tg_table_name using errcode = 'restrict_violation';
    end if;
    return new;
end;
$$;
create trigger exam_attempts_final before update on exam_attempts
    for each row execute function refuse_change_after_submission();
create trigger exam_attempts_no_delete before delete on exam_attempts
    for each row execute function refuse_change();
create trigger questions_append_only before update or delete on questions
    for each row execute function refuse_change();
create trigger training_sessions_append_only before update or delete on training_sessions
    for each row execute function refuse_change();
create trigger training_attendees_append_only before update or delete on training_attendees
    for each row execute function refuse_change();
