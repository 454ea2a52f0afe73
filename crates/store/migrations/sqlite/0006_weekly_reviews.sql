-- Weekly investigations (周排查): the drafted summary, the director's analysis and conclusions. Append-only; a
-- correction names the one it amends.

create table weekly_reviews (
    id integer primary key,
    unit_id bigint not null references units (id),
    period text not null,
    draft text not null,
    analysis text not null,
    conclusions text not null,
    amends bigint references weekly_reviews (id),
    created_by bigint not null references users (id),
    created_at bigint not null
);
create index weekly_reviews_unit_period_idx on weekly_reviews (unit_id, period);
create index weekly_reviews_amends_idx on weekly_reviews (amends);
create index weekly_reviews_created_by_idx on weekly_reviews (created_by);

create trigger weekly_reviews_append_only_update before update on weekly_reviews
begin select raise(abort, 'append-only: weekly_reviews'); end;
create trigger weekly_reviews_append_only_delete before delete on weekly_reviews
begin select raise(abort, 'append-only: weekly_reviews'); end;
