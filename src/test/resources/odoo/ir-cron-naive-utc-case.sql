-- Field case: ir_cron overdue checks against naive UTC timestamps. Table and rows as the case
-- gives them, for a tenant database where the transaction time is 2025-07-01 08:30:00 UTC.
CREATE TABLE ir_cron (
  id int PRIMARY KEY, cron_name varchar, active boolean,
  interval_number int, interval_type varchar,
  nextcall timestamp, lastcall timestamp, priority int,
  failure_count int, first_failure_date timestamp);

INSERT INTO ir_cron VALUES
 (1,'EDI: fetch carrier status',   true, 5,'minutes','2025-07-01 08:25:00','2025-07-01 08:20:03',5,0,NULL),
 (2,'Mail: send queued mails',     true, 1,'minutes','2025-07-01 08:29:00','2025-07-01 08:28:01',5,0,NULL),
 (3,'Stock: nightly reservations', true, 1,'days',   '2025-07-01 01:00:00','2025-06-30 01:00:12',5,0,NULL),
 (4,'EDI: push invoices',          true,10,'minutes','2025-07-01 08:20:00','2025-07-01 08:10:00',5,3,'2025-07-01 07:50:00'),
 (5,'Legacy import (disabled)',    false,1,'days',   '2024-01-01 00:00:00','2023-12-31 00:00:00',5,0,NULL);

-- The case's transaction time, served by a now() that shadows pg_catalog.now() for sessions whose
-- search_path lists this schema before pg_catalog.
CREATE SCHEMA case_clock;
CREATE FUNCTION case_clock.now() RETURNS timestamptz LANGUAGE sql STABLE
  AS $$ SELECT timestamptz '2025-07-01 08:30:00+00' $$;
