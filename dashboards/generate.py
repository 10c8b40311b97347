#!/usr/bin/env python3
"""Writes the Grafana dashboards in this directory from the panel lists below.

Run `python3 dashboards/generate.py` after changing a panel; it rewrites every
freightwatch-*.json file. The JSON files are the Grafana classic dashboard model
(schemaVersion 41), importable through the UI, the HTTP API or a provisioning
directory. DashboardQueriesIT evaluates every query against a Prometheus that
scrapes an agent running on the lab.
"""

import json
import pathlib
import re

SCHEMA_VERSION = 41
DS = {"type": "prometheus", "uid": "${datasource}"}
HERE = pathlib.Path(__file__).resolve().parent
CATALOGUE = HERE.parent / "src/main/resources/io/freightwatch/signals.tsv"


def catalogued():
    """Return the metric names of the signal catalogue, with the series names of its histograms
    (_bucket, _sum, _count) and summaries (_sum, _count)."""
    suffixes = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}
    names = set()
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, kind = line.split("\t")[:2]
            names.add(name)
            names.update(name + suffix for suffix in suffixes.get(kind, ()))
    return names


# SLO panels appear once the agent exports SLO signals, so that no dashboard names a signal the
# catalogue lacks.
HAS_SLOS = "freightwatch_slo_error_budget_remaining_ratio" in catalogued()


def when_catalogued(panels):
    """Return the panels whose queries name only catalogued signals; a row stays with its panels.

    Collector packs add signals over time; their panels join the dashboards once the catalogue
    lists the signals, so that no dashboard names a signal the agent does not export.
    """
    names = catalogued()
    kept = []
    for item in panels:
        if "row" in item:
            kept.append(item)
            continue
        text = " ".join(query["expr"] for query in item["queries"])
        used = {word for word in re.findall(r"freightwatch_[a-z0-9_]+", text)}
        if used <= names:
            kept.append(item)
    # A row whose panels were all left out is dropped too.
    return [item for index, item in enumerate(kept)
            if "row" not in item or (index + 1 < len(kept) and "row" not in kept[index + 1])]

# Template variables. Each query variable names its values with label_values(selector, label),
# so the test can resolve it through Prometheus' series API.
DATASOURCE = {
    "name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
    "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": [],
}


def query_var(name, label, selector, multi=True):
    definition = "label_values(%s, %s)" % (selector, name)
    return {
        "name": name, "label": label, "type": "query", "datasource": DS,
        "definition": definition,
        "query": {"query": definition, "refId": "PrometheusVariableQueryEditor-VariableQuery",
                  "qryType": 1},
        "refresh": 2, "sort": 1, "multi": multi, "includeAll": multi,
        "allValue": ".*" if multi else None, "current": {}, "hide": 0, "options": [],
        "regex": "", "skipUrlSync": False,
    }


CLUSTER_ODOO = query_var("cluster", "Cluster", "freightwatch_odoo_tenant_info")
TENANT = query_var("tenant", "Tenant", 'freightwatch_odoo_tenant_info{cluster=~"$cluster"}')
CLUSTER_PG = query_var("cluster", "Cluster", "freightwatch_postgres_in_recovery")
PG_INSTANCE = query_var("instance", "Instance",
                        'freightwatch_postgres_in_recovery{cluster=~"$cluster"}')
REDIS_INSTANCE = query_var("instance", "Instance", "freightwatch_redis_memory_used_bytes")
TRAEFIK_INSTANCE = query_var("instance", "Traefik", "freightwatch_traefik_open_connections")
TRAEFIK_TENANT = query_var("tenant", "Tenant",
                           'freightwatch_traefik_service_window_requests{instance=~"$instance"}')
TRAEFIK_SERVICE = query_var("service", "Service",
                            'freightwatch_traefik_service_window_requests{instance=~"$instance",'
                            ' tenant=~"$tenant"}')
SOURCE = query_var("source", "Source", "freightwatch_target_up")
SLO = query_var("slo", "SLO", "freightwatch_slo_objective_ratio")

ODOO = 'cluster=~"$cluster", tenant=~"$tenant"'
REPLICA = 'cluster=~"$cluster"'
CARRIER = ODOO + ', channel=~"root\\\\.carrier(\\\\..+)?"'
ORDER_IMPORT = ODOO + ', channel=~"root\\\\.edi\\\\.order_import(\\\\..+)?"'
EDI = ODOO + ', channel=~"root\\\\.edi(\\\\..+)?"'
PG = 'cluster=~"$cluster", instance=~"$instance"'
REDIS = 'instance=~"$instance"'
TRAEFIK = 'instance=~"$instance", tenant=~"$tenant", service=~"$service"'


# Queue series exist only while jobs are in an open state (the oldest-age series only while a
# job waits or runs), so queue panels fall back to 0 series: per tenant from the tenant info,
# which exists for every watched tenant, and per channel from the channels with open jobs.
def zero_per_tenant(selector):
    """Return a PromQL fallback of 0 for each tenant without a series of the left side."""
    return ' or on(tenant) (sum by (tenant) (freightwatch_odoo_tenant_info{%s}) * 0)' % selector


def zero_per_channel(selector):
    """Return a PromQL fallback of 0 per tenant and channel with open jobs."""
    return ' or (sum by (tenant, channel) (freightwatch_odoo_queue_jobs{%s}) * 0)' % selector


def zero_if_empty(selector):
    """Return a PromQL fallback of one 0 series when the left side has no series at all."""
    return ' or on() (sum(freightwatch_odoo_tenant_info{%s}) * 0)' % selector


# Failed calls over calls of the integration windows, 0 without calls; the first two and last two
# arguments are the grouping labels and the window.
INTEGRATION_RATIO = ('sum by (%s) (freightwatch_integration_failures{window="%s"})'
                     ' / clamp_min(sum by (%s) (freightwatch_integration_requests{window="%s"}), 1)')


def q(expr, legend="", instant=False):
    return {"expr": expr, "legend": legend, "instant": instant}


def panel(title, kind, unit, queries, description, width=12, height=8, **options):
    return {"title": title, "kind": kind, "unit": unit, "queries": queries,
            "description": description, "width": width, "height": height, **options}


def row(title):
    return {"row": title}


OVERVIEW = [
    row("Alerts"),
    panel("Firing alerts", "stat", "none",
          [q('sum(freightwatch_alerts{state="firing", tenant=~"$tenant"}) or vector(0)')],
          "Alerts firing now for the selected tenants; alerts without a tenant label count for"
          " every tenant.", width=6, height=5),
    panel("Critical alerts firing", "stat", "none",
          [q('sum(freightwatch_alerts{state="firing", severity="critical",'
             ' tenant=~"$tenant"}) or vector(0)')],
          "Critical alerts page someone; zero is the normal state.", width=6, height=5,
          thresholds=[("green", None), ("red", 1)]),
    panel("Firing alerts by business domain and tenant", "table", "none",
          [q('sum by (domain, tenant, alertname, severity)'
             ' (freightwatch_alerts{state="firing", tenant=~"$tenant"})', instant=True)],
          "One row per rule, domain and tenant; the value counts the alert's series.",
          width=12, height=5),
    row("Order flow"),
    panel("Order imports waiting, by state", "timeseries", "none",
          [q('sum by (tenant, state) (freightwatch_odoo_queue_jobs{%s})' % ORDER_IMPORT
             + zero_per_tenant(ODOO), "{{tenant}} {{state}}")],
          "Order import jobs (channel root.edi.order_import) in each open state. Pending jobs"
          " that grow without falling mean orders reach the warehouse late."),
    panel("Order import failures (15 min)", "timeseries", "none",
          [q('sum by (tenant) (increase(freightwatch_odoo_queue_job_failures_total{%s}[15m]))'
             % ORDER_IMPORT + zero_per_tenant(ODOO), "{{tenant}}")],
          "Order import jobs that failed in the last 15 minutes; each is an order the customer"
          " sent that Odoo does not have."),
    row("Warehouse"),
    panel("Handheld scan latency p95", "timeseries", "s",
          [q('max by (tenant) (freightwatch_traefik_service_latency_seconds{app="handheld",'
             ' quantile="0.95", tenant=~"$tenant"})', "{{tenant}}")],
          "95th percentile of handheld (barcode scanner) request duration; above 1 s pickers"
          " wait at every scan."),
    panel("Handheld requests per second", "timeseries", "reqps",
          [q('sum by (tenant) (freightwatch_traefik_service_requests_per_second{app="handheld",'
             ' tenant=~"$tenant"})', "{{tenant}}")],
          "Scans and other handheld requests; a drop to zero during a shift means the floor"
          " stopped working or cannot reach Odoo."),
] + when_catalogued([
    panel("Pickings ready but late", "timeseries", "none",
          [q('sum by (tenant) (freightwatch_odoo_pickings_ready_late{%s})' % ODOO
             + zero_per_tenant(ODOO), "{{tenant}}")],
          "Pickings ready to ship whose scheduled date has passed: the warehouse backlog."),
    panel("Transfers ready by operation type", "timeseries", "none",
          [q('sum by (tenant, picking_type) (freightwatch_odoo_pickings{%s, state="assigned"})'
             % ODOO + zero_per_tenant(ODOO), "{{tenant}} {{picking_type}}")],
          "Open transfers in state assigned (ready) per operation type code: outgoing"
          " deliveries and internal picks wait for the floor, incoming receipts for a truck."),
    panel("Deliveries past their deadline", "timeseries", "none",
          [q('sum by (tenant) (freightwatch_odoo_deliveries_past_deadline{%s})' % ODOO
             + zero_per_tenant(ODOO), "{{tenant}}")],
          "Outgoing deliveries not done by their promised date; customers notice these."),
]) + [
    row("Carrier labels"),
    panel("Carrier label jobs pending", "timeseries", "none",
          [q('sum by (tenant) (freightwatch_odoo_queue_jobs{%s, state="pending"})' % CARRIER
             + zero_per_tenant(ODOO), "{{tenant}}")],
          "Label and shipment booking jobs waiting to run; parcels without labels miss the"
          " carrier pickup.", width=8),
    panel("Carrier label jobs waiting for a retry", "timeseries", "none",
          [q('sum by (tenant) (freightwatch_odoo_queue_job_retried_pending_jobs{%s})'
             % CARRIER + zero_per_tenant(ODOO), "{{tenant}}")],
          "Label jobs whose attempt failed and that wait for their retry; the"
          " carrier_label_backlog rule fires above 20. A rise means the carrier's API fails.",
          width=8),
    panel("Oldest carrier label job waiting", "timeseries", "s",
          [q('max by (tenant) (freightwatch_odoo_queue_job_oldest_pending_age_seconds{%s})'
             % CARRIER + zero_per_tenant(ODOO), "{{tenant}}")],
          "Time the oldest runnable label job (no eta, or its eta passed) has waited since it"
          " became runnable; 0 when none waits. Jobs waiting for a retry are not runnable.",
          width=8),
    row("Integrations"),
    panel("EDI job failures (1 h)", "timeseries", "none",
          [q('sum by (tenant, channel) (increase(freightwatch_odoo_queue_job_failures_total{%s}'
             '[1h]))' % EDI + zero_per_tenant(ODOO), "{{tenant}} {{channel}}")],
          "Failed EDI jobs (orders in, confirmations and invoices out) per channel."),
] + when_catalogued([
    panel("Partner integration failure ratio", "timeseries", "percentunit",
          [q(INTEGRATION_RATIO % ("integration", "10m", "integration", "10m"),
             "{{integration}}")],
          "Share of failed calls per partner integration (carrier, EDI, marketplace) over the"
          " last 10 minutes, all tenants together, as the partner_api_error_ratio rule reads"
          " it; 0 without calls."),
    panel("EDI exchange error ratio (30 min)", "timeseries", "percentunit",
          [q('sum by (tenant, backend) (increase(freightwatch_odoo_edi_exchange_errors_total{%s}'
             '[30m])) / sum by (tenant, backend) (increase(freightwatch_odoo_edi_exchanges_total'
             '{%s}[30m]))' % (ODOO, ODOO), "{{tenant}} {{backend}}")],
          "EDI exchange records that entered an error state per record created, per backend;"
          " the edi_exchange_errors rule fires above 10 %."),
    panel("EDI exchanges in error", "timeseries", "none",
          [q('sum by (tenant) (freightwatch_odoo_edi_exchanges_in_error{%s})' % ODOO
             + zero_per_tenant(ODOO), "{{tenant}}")],
          "EDI exchange records in an error state, waiting for someone to resend or fix them."),
]) + [
    panel("EDI jobs open", "timeseries", "none",
          [q('sum by (tenant, channel) (freightwatch_odoo_queue_jobs{%s})' % EDI
             + zero_per_tenant(ODOO), "{{tenant}} {{channel}}")],
          "EDI jobs not yet done, per channel."),
] + ([
    row("SLO error budgets"),
    panel("Error budget left", "bargauge", "percentunit",
          [q('max by (slo) (freightwatch_slo_error_budget_remaining_ratio)', "{{slo}}")],
          "Share of each SLO's error budget left over its window; below 0 when overspent.",
          width=24, height=6, thresholds=[("red", None), ("orange", 0.25), ("green", 0.5)],
          minimum=0, maximum=1),
] if HAS_SLOS else []) + [
    row("Platform"),
    panel("Targets down", "stat", "none",
          [q('count(freightwatch_target_up == 0) or vector(0)')],
          "Targets the agent cannot scrape; alerts on their signals hold their state.",
          width=6, height=5, thresholds=[("green", None), ("red", 1)]),
    panel("Ingress 5xx ratio by tenant", "timeseries", "percentunit",
          [q('max by (tenant) (freightwatch_traefik_service_error_ratio{tenant=~"$tenant"})',
             "{{tenant}}")],
          "Share of requests answered with a 5xx, worst service per tenant.", width=18,
          height=5),
]

ODOO_QUEUES = [
    row("Queue depth"),
    panel("Jobs by channel and state", "timeseries", "none",
          [q('sum by (channel, state) (freightwatch_odoo_queue_jobs{%s})' % ODOO
             + zero_if_empty(ODOO), "{{channel}} {{state}}")],
          "Jobs in each open state (pending, enqueued, started, wait_dependencies, failed)."),
    panel("Pending jobs by tenant", "timeseries", "none",
          [q('sum by (tenant) (freightwatch_odoo_queue_jobs{%s, state="pending"})' % ODOO
             + zero_per_tenant(ODOO), "{{tenant}}")],
          "Jobs waiting for the job runner."),
    row("Waiting and running time"),
    panel("Oldest pending job age", "timeseries", "s",
          [q('max by (tenant, channel)'
             ' (freightwatch_odoo_queue_job_oldest_pending_age_seconds{%s})' % ODOO
             + zero_per_channel(ODOO) + zero_per_tenant(ODOO), "{{tenant}} {{channel}}")],
          "Time the oldest runnable job (no eta, or its eta passed) has waited since it became"
          " runnable, 0 when none waits; above 5 minutes the runner is stalled or the channel"
          " is saturated."),
    panel("Oldest started job age", "timeseries", "s",
          [q('max by (tenant, channel)'
             ' (freightwatch_odoo_queue_job_oldest_started_age_seconds{%s})' % ODOO
             + zero_per_channel(ODOO) + zero_per_tenant(ODOO), "{{tenant}} {{channel}}")],
          "Time since the oldest running job started, 0 when none runs; a job that runs far"
          " longer than usual may have lost its worker."),
    panel("Time from creation to done (p90)", "timeseries", "s",
          [q('histogram_quantile(0.9, sum by (le, tenant, channel)'
             ' (rate(freightwatch_odoo_queue_job_completion_seconds_bucket{%s}[5m])))' % ODOO,
             "{{tenant}} {{channel}}")],
          "90th percentile, over 5 minutes, of the time from a job's creation to done; empty"
          " while no job of the channel was done in that span."),
    panel("Wait and run time (p90)", "timeseries", "s",
          [q('histogram_quantile(0.9, sum by (le, channel)'
             ' (rate(freightwatch_odoo_queue_job_wait_seconds_bucket{%s}[5m])))' % ODOO,
             "{{channel}} wait"),
           q('histogram_quantile(0.9, sum by (le, channel)'
             ' (rate(freightwatch_odoo_queue_job_run_seconds_bucket{%s}[5m])))' % ODOO,
             "{{channel}} run")],
          "90th percentile, over 5 minutes, of the wait from enqueued to started and of the run"
          " from started to done of the jobs done."),
    row("Failures"),
    panel("Job failures per minute", "timeseries", "none",
          [q('sum by (tenant, channel)'
             ' (rate(freightwatch_odoo_queue_job_failures_total{%s}[5m])) * 60' % ODOO
             + zero_per_tenant(ODOO), "{{tenant}} {{channel}}")],
          "Jobs that moved to failed, per minute, averaged over 5 minutes."),
    panel("Failed jobs waiting for a decision", "timeseries", "none",
          [q('sum by (tenant, channel) (freightwatch_odoo_queue_jobs{%s, state="failed"})'
             % ODOO + zero_per_channel(ODOO) + zero_per_tenant(ODOO), "{{tenant}} {{channel}}")],
          "Failed jobs stay until someone requeues or cancels them."),
] + when_catalogued([
    row("Job runner"),
    panel("Channel slots working and stuck", "timeseries", "none",
          [q('sum by (tenant, channel) (freightwatch_odoo_queue_channel_working_slots{%s})'
             % ODOO + zero_per_tenant(ODOO), "{{tenant}} {{channel}} working"),
           q('sum by (tenant, channel) (freightwatch_odoo_queue_channel_stuck_slots{%s})'
             % ODOO + zero_per_tenant(ODOO), "{{tenant}} {{channel}} stuck")],
          "Job runner slots per channel that run a job, and those held by a dead job."),
    panel("Jobs done per minute", "timeseries", "none",
          [q('sum by (tenant, channel) (freightwatch_odoo_queue_job_done_per_minute{%s})'
             % ODOO + zero_per_tenant(ODOO), "{{tenant}} {{channel}}")],
          "Throughput of the job runner per channel."),
    row("Scheduled actions and mail"),
    panel("Most overdue scheduled action", "timeseries", "s",
          [q('max by (tenant) (freightwatch_odoo_cron_max_overdue_seconds{%s})' % ODOO
             + zero_per_tenant(ODOO), "{{tenant}}")],
          "How late the most overdue active ir.cron job is; Odoo's cron times are naive UTC."),
    panel("Most overdue scheduled actions", "timeseries", "s",
          [q('topk(10, max by (tenant, cron) (freightwatch_odoo_cron_overdue_seconds{%s}))'
             % ODOO, "{{tenant}} {{cron}}")],
          "The ten active ir.cron jobs furthest past their nextcall or pending trigger, in UTC;"
          " the cron_stalled rule fires above 15 minutes."),
    panel("Outgoing mail due and in exception", "timeseries", "none",
          [q('sum by (tenant) (freightwatch_odoo_mail_outgoing_due{%s})' % ODOO
             + zero_per_tenant(ODOO), "{{tenant}} due"),
           q('sum by (tenant) (freightwatch_odoo_mail_messages{%s, state="exception"})' % ODOO
             + zero_per_tenant(ODOO), "{{tenant}} exception")],
          "Mails waiting to be sent and mails that failed (mail.mail in exception)."),
]) + [
    row("Partner integrations"),
    panel("Integration failure ratio by tenant (1 h)", "timeseries", "percentunit",
          [q(INTEGRATION_RATIO % ("integration, tenant", "1h", "integration, tenant", "1h"),
             "{{integration}} {{tenant}}")],
          "Share of failed calls (failed jobs, EDI errors, 5xx router responses) per integration"
          " and tenant over the last hour; 0 without calls."),
    panel("Integration calls (1 h)", "timeseries", "none",
          [q('sum by (integration) (freightwatch_integration_requests{window="1h"})',
             "{{integration}}")],
          "Calls counted per integration over the last hour; a ratio over few calls is noisy."),
    row("Odoo HTTP workers"),
    panel("Workers answering /web/health", "timeseries", "none",
          [q('min by (tenant) (freightwatch_odoo_http_up{tenant=~"$tenant"})', "{{tenant}}")],
          "1 while an Odoo HTTP worker answers the agent's health probe in time; 0 when the"
          " pool is hung, busy or gone."),
    panel("Health probe latency", "timeseries", "s",
          [q('max by (tenant) (freightwatch_odoo_http_latency_seconds{tenant=~"$tenant"})',
             "{{tenant}}")],
          "Time Odoo took to answer /web/health; it rises when the workers are saturated."),
    row("Tenants"),
    panel("Tenant databases", "table", "none",
          [q('max by (tenant, database, version) (freightwatch_odoo_tenant_info{%s})' % ODOO,
             instant=True)],
          "Each watched tenant database with its Odoo version."),
    panel("Installed modules", "table", "none",
          [q('max by (tenant, module) (freightwatch_odoo_module_installed{%s})' % ODOO,
             instant=True)],
          "Modules the agent checks for: 1 installed, 0 not installed."),
]

POSTGRES = [
    row("Roles"),
    panel("In recovery (replica)", "stat", "none",
          [q('max by (instance) (freightwatch_postgres_in_recovery{%s})' % PG, "{{instance}}")],
          "1 for a replica in recovery, 0 for a primary.", width=8, height=5),
    panel("Streaming standbys per primary", "stat", "none",
          [q('max by (instance) (freightwatch_postgres_replication_standbys{%s})' % PG,
             "{{instance}}")],
          "Standbys that stream from each primary.", width=8, height=5),
    panel("WAL receiver streaming", "stat", "none",
          [q('max by (instance) (freightwatch_postgres_wal_receiver_streaming{%s})' % REPLICA,
             "{{instance}}")],
          "1 when the replica's WAL receiver is streaming from its primary; every replica of"
          " the cluster.", width=8,
          height=5),
    row("Replication"),
    panel("Replication lag (time)", "timeseries", "s",
          [q('max by (standby, observed_from)'
             ' (freightwatch_postgres_replication_lag_seconds{%s})' % PG,
             "{{standby}} seen from {{observed_from}}")],
          "How far each standby's replay is behind; 0 when everything received is replayed,"
          " also on an idle primary."),
    panel("Replication lag (bytes)", "timeseries", "bytes",
          [q('max by (standby, observed_from)'
             ' (freightwatch_postgres_replication_lag_bytes{%s})' % PG,
             "{{standby}} seen from {{observed_from}}")],
          "WAL not yet replayed by each standby."),
    panel("Replay paused", "timeseries", "none",
          [q('max by (instance) (freightwatch_postgres_wal_replay_paused{%s})' % REPLICA,
             "{{instance}}")],
          "1 when someone paused replay with pg_wal_replay_pause(); every replica of the"
          " cluster."),
    panel("Time since last replayed commit", "timeseries", "s",
          [q('max by (instance) (freightwatch_postgres_last_replay_age_seconds{%s})' % REPLICA,
             "{{instance}}")],
          "Informational, on every replica of the cluster: grows while the primary is idle,"
          " without any lag."),
    panel("WAL retained by replication slots", "timeseries", "bytes",
          [q('max by (instance, slot) (freightwatch_postgres_replication_slot_retained_wal_bytes'
             '{%s})' % PG, "{{instance}} {{slot}}")],
          "WAL each slot keeps from its restart_lsn; an abandoned slot fills the disk.",
          width=24),
    row("Sessions and transactions"),
    panel("Connections used of the limit", "timeseries", "percentunit",
          [q('max by (instance) (freightwatch_postgres_connections_used_ratio{%s})' % PG,
             "{{instance}}")],
          "Client connections divided by the connections open to ordinary roles; at 1 Odoo"
          " workers cannot connect."),
    panel("Connections by state", "timeseries", "none",
          [q('sum by (instance, state) (freightwatch_postgres_connections{%s})' % PG,
             "{{instance}} {{state}}")],
          "Client connections per state (active, idle, idle in transaction)."),
    panel("Longest transaction", "timeseries", "s",
          [q('max by (instance, database) (freightwatch_postgres_longest_transaction_seconds'
             '{%s})' % PG, "{{instance}} {{database}}"),
           q('max by (instance, database)'
             ' (freightwatch_postgres_longest_idle_in_transaction_seconds{%s})' % PG,
             "{{instance}} {{database}} idle in transaction")],
          "Age of the oldest open transaction, and the longest idle-in-transaction session;"
          " long ones hold locks and keep vacuum from cleaning up."),
    row("Databases"),
    panel("Cache hit ratio", "timeseries", "percentunit",
          [q('min by (instance, database) (freightwatch_postgres_database_cache_hit_ratio{%s})'
             % PG, "{{instance}} {{database}}")],
          "Share of block reads served from shared buffers since the previous scrape."),
    panel("Database size", "timeseries", "bytes",
          [q('max by (instance, database) (freightwatch_postgres_database_size_bytes{%s})' % PG,
             "{{instance}} {{database}}")],
          "Size on disk of each database, read every size_interval."),
]

REDIS_PANELS = [
    row("Memory"),
    panel("Memory used", "timeseries", "bytes",
          [q('max by (instance) (freightwatch_redis_memory_used_bytes{%s})' % REDIS,
             "{{instance}} used"),
           q('max by (instance) (freightwatch_redis_memory_max_bytes{%s} > 0)' % REDIS,
             "{{instance}} maxmemory")],
          "Memory allocated by Redis against maxmemory (hidden when no limit is set)."),
    panel("Memory used of maxmemory", "gauge", "percentunit",
          [q('max by (instance) (freightwatch_redis_memory_used_ratio{%s})' % REDIS,
             "{{instance}}")],
          "Above 0.9 Redis starts evicting sessions under an LRU policy.",
          thresholds=[("green", None), ("orange", 0.8), ("red", 0.9)], minimum=0, maximum=1),
    panel("Keys evicted per second", "timeseries", "none",
          [q('sum by (instance) (rate(freightwatch_redis_evicted_keys_total{%s}[5m]))' % REDIS,
             "{{instance}}")],
          "Every evicted session logs a user out of Odoo."),
    row("Clients and hits"),
    panel("Clients", "timeseries", "none",
          [q('max by (instance) (freightwatch_redis_connected_clients{%s})' % REDIS,
             "{{instance}} connected"),
           q('max by (instance) (freightwatch_redis_blocked_clients{%s})' % REDIS,
             "{{instance}} blocked")],
          "Connected clients and clients in a blocking call."),
    panel("Keyspace hit ratio", "timeseries", "percentunit",
          [q('max by (instance) (freightwatch_redis_hit_ratio{%s})' % REDIS, "{{instance}}")],
          "Share of key lookups that found the key, between two scrapes."),
    panel("Lookups per second", "timeseries", "ops",
          [q('sum by (instance) (rate(freightwatch_redis_keyspace_hits_total{%s}[5m]))'
             % REDIS, "{{instance}} hits"),
           q('sum by (instance) (rate(freightwatch_redis_keyspace_misses_total{%s}[5m]))'
             % REDIS, "{{instance}} misses")],
          "Successful and failed key lookups."),
    row("Server"),
    panel("Commands per second", "timeseries", "ops",
          [q('max by (instance) (freightwatch_redis_ops_per_second{%s})' % REDIS,
             "{{instance}}")],
          "Commands processed per second, as Redis reports it."),
    panel("Memory fragmentation ratio", "timeseries", "none",
          [q('max by (instance) (freightwatch_redis_memory_fragmentation_ratio{%s})' % REDIS,
             "{{instance}}")],
          "Resident memory divided by allocated memory; far above 1 wastes memory, below 1"
          " means swapping."),
    panel("Keys", "timeseries", "none",
          [q('max by (instance) (freightwatch_redis_keys{%s})' % REDIS, "{{instance}}")],
          "Keys over all databases, such as Odoo sessions."),
    panel("Redis servers", "table", "none",
          [q('max by (instance, role, version, mode) (freightwatch_redis_info{%s})' % REDIS,
             instant=True)],
          "Role, version and mode of each server."),
]

TRAEFIK_PANELS = [
    row("Traffic"),
    panel("Requests per second", "timeseries", "reqps",
          [q('sum by (service) (freightwatch_traefik_service_requests_per_second{%s})'
             % TRAEFIK, "{{service}}")],
          "Requests per service over the agent's window."),
    panel("Open connections", "timeseries", "none",
          [q('sum by (entrypoint) (freightwatch_traefik_open_connections{instance=~"$instance"})',
             "{{entrypoint}}")],
          "Open TCP connections per entry point."),
    row("Errors and latency"),
    panel("5xx ratio", "timeseries", "percentunit",
          [q('max by (service) (freightwatch_traefik_service_error_ratio{%s})' % TRAEFIK,
             "{{service}}")],
          "Share of requests answered with a 5xx over the window; 0 when no request failed."),
    panel("Latency p95 and p99", "timeseries", "s",
          [q('max by (service) (freightwatch_traefik_service_latency_seconds{%s,'
             ' quantile="0.95"})' % TRAEFIK, "{{service}} p95"),
           q('max by (service) (freightwatch_traefik_service_latency_seconds{%s,'
             ' quantile="0.99"})' % TRAEFIK, "{{service}} p99")],
          "Request duration quantiles over the window, websocket requests excluded."),
    panel("Responses by status class", "timeseries", "percentunit",
          [q('max by (service, code_class) (freightwatch_traefik_service_code_class_ratio{%s})'
             % TRAEFIK, "{{service}} {{code_class}}")],
          "Share of responses per status class (2xx, 3xx, 4xx, 5xx) over the window."),
    row("Entry points"),
    panel("Entry point requests per second", "timeseries", "reqps",
          [q('sum by (entrypoint) (freightwatch_traefik_entrypoint_requests_per_second'
             '{instance=~"$instance"})', "{{entrypoint}}")],
          "Requests per entry point over the window."),
    panel("Entry point 5xx ratio and p95 latency", "timeseries", "none",
          [q('max by (entrypoint) (freightwatch_traefik_entrypoint_error_ratio'
             '{instance=~"$instance"})', "{{entrypoint}} 5xx ratio"),
           q('max by (entrypoint) (freightwatch_traefik_entrypoint_latency_seconds'
             '{instance=~"$instance", quantile="0.95"})', "{{entrypoint}} p95 seconds")],
          "Share of 5xx responses and the 95th percentile duration per entry point."),
    panel("Requests in the window", "table", "none",
          [q('max by (service) (freightwatch_traefik_service_window_requests{%s})' % TRAEFIK,
             instant=True)],
          "Requests counted in the window; ratios and quantiles over few requests are noisy."),
]

AGENT = [
    row("Targets"),
    panel("Targets up", "stat", "none",
          [q('sum(freightwatch_target_up{source=~"$source"})')],
          "Targets whose latest scrape succeeded.", width=6, height=5),
    panel("Targets down", "stat", "none",
          [q('count(freightwatch_target_up{source=~"$source"} == 0) or vector(0)')],
          "Targets whose latest scrape failed; their last values stay visible.", width=6,
          height=5, thresholds=[("green", None), ("red", 1)]),
    panel("Target health", "table", "none",
          [q('max by (source, target) (freightwatch_target_up{source=~"$source"})',
             instant=True)],
          "1 up, 0 down, per target.", width=12, height=5),
    panel("Scrape duration", "timeseries", "s",
          [q('max by (source, target) (freightwatch_scrape_duration_seconds{source=~"$source"})',
             "{{source}}/{{target}}")],
          "Duration of each target's latest scrape; close to the scrape timeout means"
          " scrapes start to fail."),
    panel("Skipped scrapes per minute", "timeseries", "none",
          [q('sum by (source, target)'
             ' (rate(freightwatch_scrapes_skipped_total{source=~"$source"}[5m])) * 60',
             "{{source}}/{{target}}")],
          "Scrapes skipped because the previous one was still running."),
    row("Alerts"),
    panel("Alerts by state", "timeseries", "none",
          [q('sum by (state) (freightwatch_alerts)', "{{state}}")],
          "Pending, firing and recently resolved alerts."),
    panel("Firing alerts by rule", "timeseries", "none",
          [q('sum by (alertname) (freightwatch_alerts{state="firing"}) or vector(0)',
             "{{alertname}}")],
          "Alerts firing per rule; 0 when none fires."),
    row("Notifications"),
    panel("Notifications by outcome (1 h)", "timeseries", "none",
          [q('sum by (receiver, outcome) (increase(freightwatch_notifications_total[1h]))',
             "{{receiver}} {{outcome}}")],
          "Notifications delivered, rejected, expired or superseded per receiver."),
    panel("Notifications queued", "timeseries", "none",
          [q('max by (receiver) (freightwatch_notifications_queued)', "{{receiver}}")],
          "Notifications waiting for delivery."),
    panel("Oldest queued notification", "timeseries", "s",
          [q('max by (receiver) (freightwatch_notification_oldest_queued_age_seconds)',
             "{{receiver}}")],
          "Age of the oldest notification waiting per receiver; 0 when none waits."),
    panel("Failed attempts and given-up notifications (1 h)", "timeseries", "none",
          [q('sum by (receiver) (increase(freightwatch_notification_attempts_failed_total[1h]))'
             ' or on() vector(0)', "{{receiver}} failed attempts"),
           q('sum by (receiver) (increase(freightwatch_notifications_given_up_total[1h]))'
             ' or on() vector(0)', "{{receiver}} given up")],
          "Attempts that failed and were retried, and notifications given up after a"
          " rejection or max_age."),
    panel("Circuit breakers open", "stat", "none",
          [q('sum(freightwatch_notification_circuit_open) or vector(0)')],
          "Receivers whose circuit breaker is open and whose deliveries wait.", width=6,
          height=5, thresholds=[("green", None), ("red", 1)]),
    panel("Unrouted alert changes (1 h)", "stat", "none",
          [q('sum(increase(freightwatch_notifications_unrouted_total[1h])) or vector(0)')],
          "Alert changes that no route and no fallback receiver took.", width=6, height=5),
    row("Process"),
    panel("JVM heap used", "timeseries", "bytes",
          [q('sum(jvm_memory_used_bytes{area="heap"})', "heap used"),
           q('sum(jvm_memory_max_bytes{area="heap"})', "heap max")],
          "Heap in use against -Xmx."),
    panel("Process CPU", "timeseries", "percentunit",
          [q('rate(process_cpu_seconds_total[5m])', "cpu")],
          "CPU seconds per second used by the agent."),
]

SLOS = [
    row("Error budgets"),
    panel("Error budget left", "bargauge", "percentunit",
          [q('max by (slo) (freightwatch_slo_error_budget_remaining_ratio{slo=~"$slo"})',
             "{{slo}}")],
          "Share of the error budget left over the SLO window; below 0 when overspent.",
          thresholds=[("red", None), ("orange", 0.25), ("green", 0.5)], minimum=0, maximum=1),
    panel("SLI against objective", "table", "percentunit",
          [q('max by (slo) (freightwatch_slo_sli_ratio{slo=~"$slo"})', instant=True),
           q('max by (slo) (freightwatch_slo_objective_ratio{slo=~"$slo"})', instant=True)],
          "Share of good events over the window (A) and the objective (B)."),
    row("Burn rates"),
    panel("Burn rate per window", "timeseries", "none",
          [q('max by (slo, window) (freightwatch_slo_burn_rate{slo=~"$slo"})',
             "{{slo}} {{window}}")],
          "Error ratio divided by the error budget ratio; 1 spends the budget exactly over the"
          " SLO window, 14.4 over 1 h spends 2 % of a 30-day budget."),
    panel("Time until the budget is spent", "timeseries", "s",
          [q('min by (slo) (freightwatch_slo_time_to_exhaustion_seconds{slo=~"$slo"})'
             ' or (max by (slo) (freightwatch_slo_objective_ratio{slo=~"$slo"}) * 0 + 1/0)',
             "{{slo}}")],
          "At the current burn rate; +Inf while the budget is not burning."),
    row("Events"),
    panel("Events in the SLO window", "timeseries", "none",
          [q('max by (slo) (freightwatch_slo_window_events{slo=~"$slo"})', "{{slo}}")],
          "Events counted over the window; few events make the SLI noisy."),
    panel("In maintenance", "timeseries", "none",
          [q('max by (slo) (freightwatch_slo_in_maintenance{slo=~"$slo"})', "{{slo}}")],
          "1 while a maintenance window stops the budget from burning."),
]

DASHBOARDS = [
    ("freightwatch-overview", "Freightwatch / Logistics impact overview",
     "Per tenant: order flow, warehouse, carrier labels, integrations and firing alerts.",
     [DATASOURCE, CLUSTER_ODOO, TENANT], OVERVIEW),
    ("freightwatch-odoo-queues", "Freightwatch / Odoo queues and integrations",
     "Odoo queue_job depth, waiting and running time, failures, partner integrations, HTTP"
     " workers and tenant databases.",
     [DATASOURCE, CLUSTER_ODOO, TENANT], ODOO_QUEUES),
    ("freightwatch-postgres", "Freightwatch / PostgreSQL",
     "Roles and replication of the PostgreSQL servers behind Odoo.",
     [DATASOURCE, CLUSTER_PG, PG_INSTANCE], POSTGRES),
    ("freightwatch-redis", "Freightwatch / Redis",
     "Memory, evictions, clients and hit ratio of the Redis session stores.",
     [DATASOURCE, REDIS_INSTANCE], REDIS_PANELS),
    ("freightwatch-traefik", "Freightwatch / Traefik ingress",
     "Requests, 5xx ratio and latency per Traefik service, over the agent's window.",
     [DATASOURCE, TRAEFIK_INSTANCE, TRAEFIK_TENANT, TRAEFIK_SERVICE], TRAEFIK_PANELS),
    ("freightwatch-agent", "Freightwatch / Agent health",
     "The agent's own targets, scrapes, alerts, notification deliveries and process.",
     [DATASOURCE, SOURCE], AGENT),
] + ([
    ("freightwatch-slos", "Freightwatch / SLOs and error budgets",
     "Error budget left, burn rates and time to exhaustion of every SLO.",
     [DATASOURCE, SLO], SLOS),
] if HAS_SLOS else [])


def build(uid, title, description, variables, panels):
    out = []
    x = y = 0
    row_height = 0
    next_id = 1
    for item in panels:
        if "row" in item:
            if x > 0:
                y += row_height
                x = 0
            out.append({"id": next_id, "type": "row", "title": item["row"], "collapsed": False,
                        "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
            next_id += 1
            y += 1
            row_height = 0
            continue
        if x + item["width"] > 24:
            y += row_height
            x = 0
            row_height = 0
        out.append(render_panel(item, next_id, x, y))
        next_id += 1
        x += item["width"]
        row_height = max(row_height, item["height"])
    return {
        "uid": uid, "title": title, "description": description, "tags": ["freightwatch"],
        "editable": True, "graphTooltip": 1, "refresh": "30s", "schemaVersion": SCHEMA_VERSION,
        "time": {"from": "now-6h", "to": "now"}, "timezone": "browser", "version": 1,
        "fiscalYearStartMonth": 0, "liveNow": False, "weekStart": "",
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts", "type": "dashboard"}]},
        "links": [{"asDropdown": True, "icon": "external link", "includeVars": True,
                   "keepTime": True, "tags": ["freightwatch"], "title": "Freightwatch",
                   "type": "dashboards"}],
        "templating": {"list": variables},
        "panels": out,
    }


def render_panel(item, panel_id, x, y):
    targets = []
    for index, query in enumerate(item["queries"]):
        target = {"datasource": DS, "refId": chr(ord("A") + index), "expr": query["expr"],
                  "legendFormat": query["legend"] or "__auto", "range": not query["instant"],
                  "instant": query["instant"]}
        if query["instant"]:
            target["format"] = "table"
        targets.append(target)
    steps = [{"color": color, "value": value}
             for color, value in item.get("thresholds", [("green", None)])]
    defaults = {"unit": item["unit"], "thresholds": {"mode": "absolute", "steps": steps},
                "color": {"mode": "thresholds" if item["kind"] in ("stat", "gauge", "bargauge")
                          else "palette-classic"}}
    if "minimum" in item:
        defaults["min"] = item["minimum"]
        defaults["max"] = item["maximum"]
    result = {
        "id": panel_id, "type": item["kind"], "title": item["title"],
        "description": item["description"], "datasource": DS,
        "gridPos": {"h": item["height"], "w": item["width"], "x": x, "y": y},
        "targets": targets,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": panel_options(item["kind"]),
    }
    if item["kind"] == "table":
        result["transformations"] = [{"id": "organize", "options": {
            "excludeByName": {"Time": True}}}]
    return result


def panel_options(kind):
    if kind == "timeseries":
        return {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                "tooltip": {"mode": "multi", "sort": "desc"}}
    if kind == "stat":
        return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                "colorMode": "value", "graphMode": "area", "justifyMode": "auto",
                "orientation": "auto", "textMode": "auto"}
    if kind == "bargauge":
        return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                "displayMode": "gradient", "orientation": "horizontal", "showUnfilled": True,
                "valueMode": "color", "namePlacement": "auto", "sizing": "auto",
                "minVizHeight": 16, "minVizWidth": 8, "maxVizHeight": 300}
    if kind == "gauge":
        return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                "showThresholdLabels": False, "showThresholdMarkers": True}
    return {"showHeader": True, "cellHeight": "sm", "footer": {"show": False}}


def main():
    for uid, title, description, variables, panels in DASHBOARDS:
        dashboard = build(uid, title, description, variables, panels)
        path = HERE / (uid + ".json")
        path.write_text(json.dumps(dashboard, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        print("wrote", path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
