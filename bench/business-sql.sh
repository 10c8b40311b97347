#!/usr/bin/env bash
# Measures the business sections' SQL on a large Odoo 17-shaped tenant: 1,000,000 done or
# cancelled pickings with 2,000 open ones, and 1,000,000 EDI exchange records. Prints the plans
# with their execution times. Needs psql and a PostgreSQL server where the user may create a
# database; the database is dropped at the end.
#
#   bench/business-sql.sh [host] [port] [user]
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-5432}
user=${3:-postgres}
db=fw_business_bench_$$
here=$(cd "$(dirname "$0")/.." && pwd)
psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user")

"${psql[@]}" -d postgres -c "CREATE DATABASE $db"
trap '"${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
"${psql[@]}" -d "$db" -f "$here/src/main/resources/lab/odoo17-tenant.sql"
"${psql[@]}" -d "$db" <<'SQL'
INSERT INTO stock_warehouse (name, company_id, view_location_id, lot_stock_id, code,
    reception_steps, delivery_steps) VALUES ('Main', 1, 7, 8, 'WH', 'one_step', 'ship_only');
INSERT INTO stock_picking_type (name, sequence_code, code, warehouse_id, company_id,
    reservation_method, create_backorder) VALUES
  ('{"en_US": "Receipts"}', 'IN', 'incoming', 1, 1, 'at_confirm', 'ask'),
  ('{"en_US": "Delivery Orders"}', 'OUT', 'outgoing', 1, 1, 'at_confirm', 'ask'),
  ('{"en_US": "Pick"}', 'PICK', 'internal', 1, 1, 'at_confirm', 'ask');
INSERT INTO stock_picking (name, move_type, state, scheduled_date, date_deadline, location_id,
    location_dest_id, picking_type_id, company_id)
SELECT 'P' || g, 'direct',
       CASE WHEN g <= 2000 THEN (ARRAY['draft','waiting','confirmed','assigned'])[1 + g % 4]
            WHEN g % 20 = 0 THEN 'cancel' ELSE 'done' END,
       now() AT TIME ZONE 'UTC' - (g % 1000) * interval '1 hour',
       now() AT TIME ZONE 'UTC' - (g % 500) * interval '1 hour', 8, 5, 1 + g % 3, 1
FROM generate_series(1, 1000000) g;
INSERT INTO edi_backend (name, backend_type_id, active) VALUES ('Retail partners', 1, true);
INSERT INTO edi_exchange_type (backend_id, backend_type_id, name, code, direction, active)
VALUES (1, 1, 'Orders', 'orders_import', 'input', true);
INSERT INTO edi_exchange_record (identifier, type_id, backend_id, edi_exchange_state,
    create_date, write_date)
SELECT 'EDI/' || g, 1, 1, CASE WHEN g % 500 = 0 THEN 'input_processed_error'
    ELSE 'input_processed' END,
    now() AT TIME ZONE 'UTC' - (1000000 - g) * interval '10 seconds',
    now() AT TIME ZONE 'UTC' - (1000000 - g) * interval '10 seconds'
FROM generate_series(1, 1000000) g;
VACUUM ANALYZE stock_picking;
VACUUM ANALYZE edi_exchange_record;
SQL
run() {
  echo "== $1"
  "${psql[@]}" -d "$db" -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON) $2" \
    | grep -E "Scan|Execution Time|Planning Time"
}
run "pickings: open transfers (PickingSection)" "
SELECT coalesce(w.code, 'none') AS warehouse, pt.code AS picking_type, p.state,
       count(*) AS pickings,
       count(*) FILTER (WHERE p.state = 'assigned'
           AND p.scheduled_date < now() AT TIME ZONE 'UTC') AS ready_late,
       count(*) FILTER (WHERE pt.code = 'outgoing'
           AND p.date_deadline < now() AT TIME ZONE 'UTC') AS past_deadline
FROM stock_picking p
JOIN stock_picking_type pt ON pt.id = p.picking_type_id
LEFT JOIN stock_warehouse w ON w.id = pt.warehouse_id
WHERE (p.state < 'cancel' OR (p.state > 'cancel' AND p.state < 'done') OR p.state > 'done')
GROUP BY 1, 2, 3"
run "pickings: the same with state NOT IN ('done', 'cancel'), for comparison" "
SELECT pt.code, p.state, count(*) FROM stock_picking p
JOIN stock_picking_type pt ON pt.id = p.picking_type_id
WHERE p.state NOT IN ('done', 'cancel') GROUP BY 1, 2"
run "EDI: records created after the high-water mark less 1000 ids (EdiSection)" "
SELECT id, backend_id, type_id FROM edi_exchange_record WHERE id > 999000"
run "EDI: records that entered an error state in the last 10 minutes (EdiSection)" "
SELECT id, backend_id, type_id, write_date FROM edi_exchange_record
WHERE edi_exchange_state IN ('validate_error', 'output_error_on_send', 'output_sent_and_error',
    'input_receive_error', 'input_processed_error')
  AND write_date > now() AT TIME ZONE 'UTC' - interval '10 minutes'"
run "EDI: records in error now (EdiSection)" "
SELECT backend_id, type_id, count(*) FROM edi_exchange_record
WHERE edi_exchange_state IN ('validate_error', 'output_error_on_send', 'output_sent_and_error',
    'input_receive_error', 'input_processed_error')
GROUP BY backend_id, type_id"
