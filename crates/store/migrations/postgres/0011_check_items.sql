-- A daily check's items are written with the check, as one JSON array of [risk point, item, result, note, photos]
-- in item order: one row a check instead of one a line. Checks written before keep their rows in
-- daily_check_items, which is read for them.

alter table daily_checks add column items text not null default '';
