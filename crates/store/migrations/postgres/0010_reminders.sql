-- Reminders: each thing that became due or overdue, raised once per unit (its key names it), told in-app and sent
-- to the unit's webhooks (WeChat Work and DingTalk group robots, or any JSON receiver) with retries until delivered.
-- A webhook's address and secret are credentials: sealed at rest, shown without their key.

create table webhooks (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    kind text not null,
    -- What is shown: the address without its query, where robots carry their key.
    url_shown text not null,
    signed bigint not null,
    -- The address and the signing secret, sealed with the data key like ID numbers.
    sealed bytea not null,
    created_by bigint not null references users (id),
    created_at bigint not null,
    removed_at bigint
);
create index webhooks_unit_id_idx on webhooks (unit_id);
create index webhooks_created_by_idx on webhooks (created_by);

create table reminders (
    id bigint generated always as identity primary key,
    unit_id bigint not null references units (id),
    event_key text not null,
    message text not null,
    link text not null,
    created_at bigint not null,
    constraint reminders_unit_event_key unique (unit_id, event_key)
);

create table deliveries (
    id bigint generated always as identity primary key,
    reminder_id bigint not null references reminders (id),
    webhook_id bigint not null references webhooks (id),
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    delivered_at bigint,
    failed_at bigint,
    last_error text not null default '',
    created_at bigint not null,
    constraint deliveries_reminder_webhook_key unique (reminder_id, webhook_id)
);
create index deliveries_webhook_id_idx on deliveries (webhook_id);
create index deliveries_pending_idx on deliveries (next_attempt_at) where delivered_at is null and failed_at is null;
