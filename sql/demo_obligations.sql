--
-- The demo organisation's open obligations at a fixed date, the sweep that
-- announces them, and its idempotence (demo loaded by demo_deviations, which runs first).
--
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset
SET sqm.frozen_now = '2026-01-08 09:00+01';
SET TimeZone = 'Europe/Stockholm';
SET DateStyle = 'ISO, YMD';

-- Overdue and due soon on 2026-01-08.
SELECT o.rule, o.kind, sqm.unit_name(o.org_id, o.unit_id, '2026-01-08') AS unit,
       o.started_at, o.due_at, o.status
  FROM sqm.obligations(:org, open_only => true) o
 WHERE o.status IN ('overdue', 'due_soon')
 ORDER BY o.due_at, o.rule, o.object_id;

-- How every rule has fared over the years.
SELECT rule, status, count(*) FROM sqm.obligation WHERE org_id = :org GROUP BY 1, 2 ORDER BY 1, 2;

-- The sweep writes each newly due-soon or overdue obligation to the outbox
-- once; a second run writes nothing.
SELECT sqm.sweep() > 0 AS first_sweep_wrote;
SELECT sqm.sweep() AS second_sweep_wrote;
SELECT event, rule, count(*) FROM sqm.outbox WHERE org_id = :org AND event <> 'new' GROUP BY 1, 2 ORDER BY 1, 2;
-- every new report is in the outbox too, with a payload that holds no personal data
SELECT kind, count(*) FROM sqm.outbox WHERE org_id = :org AND event = 'new' GROUP BY 1 ORDER BY 1;
SELECT sqm.outbox_payload(e) FROM sqm.outbox e WHERE org_id = :org AND event = 'overdue' ORDER BY seq LIMIT 1;
RESET sqm.frozen_now;
