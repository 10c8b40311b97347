-- Odoo 17 tables that Freightwatch reads, as the Odoo ORM and the OCA modules
-- queue_job 17.0 and edi_oca 17.0 create them: column names, SQL types,
-- NOT NULL flags, unique constraints, foreign keys inside this subset and
-- indexes. Only the columns the agent reads are kept, plus id, the NOT NULL
-- columns and the audit columns. Odoo keeps defaults in Python, so there are
-- no SQL DEFAULT clauses: inserts must give every NOT NULL column a value.
-- Every "timestamp without time zone" column holds naive UTC.
-- queue_job has no create_date/write_date (the model sets _log_access = False).
CREATE TABLE ir_module_module (
    id                  serial PRIMARY KEY,
    create_uid          integer,
    create_date         timestamp without time zone,
    write_uid           integer,
    write_date          timestamp without time zone,
    name                varchar NOT NULL,
    category_id         integer,
    shortdesc           jsonb,
    summary             jsonb,
    author              varchar,
    website             varchar,
    latest_version      varchar,
    published_version   varchar,
    sequence            integer,
    auto_install        boolean,

    state               varchar,
    demo                boolean,
    license             varchar,
    application         boolean,
    CONSTRAINT ir_module_module_name_uniq UNIQUE (name)
);
CREATE INDEX ir_module_module__name_index        ON ir_module_module (name);
CREATE INDEX ir_module_module__state_index       ON ir_module_module (state);
CREATE INDEX ir_module_module__category_id_index ON ir_module_module (category_id);

CREATE TABLE ir_cron (
    id                   serial PRIMARY KEY,
    create_uid           integer,
    create_date          timestamp without time zone,
    write_uid            integer,
    write_date           timestamp without time zone,
    ir_actions_server_id integer NOT NULL,
    cron_name            varchar,
    user_id              integer NOT NULL,
    active               boolean,
    interval_number      integer,
    interval_type        varchar,
    numbercall           integer,
    doall                boolean,
    nextcall             timestamp without time zone NOT NULL,
    lastcall             timestamp without time zone,
    priority             integer
);

CREATE TABLE ir_cron_trigger (
    id          serial PRIMARY KEY,
    create_uid  integer,
    create_date timestamp without time zone,
    write_uid   integer,
    write_date  timestamp without time zone,
    cron_id     integer CONSTRAINT ir_cron_trigger_cron_id_fkey
                    REFERENCES ir_cron (id) ON DELETE SET NULL,
    call_at     timestamp without time zone
);
CREATE INDEX ir_cron_trigger__cron_id_index ON ir_cron_trigger (cron_id);
CREATE INDEX ir_cron_trigger__call_at_index ON ir_cron_trigger (call_at);

CREATE TABLE mail_message (
    id             serial PRIMARY KEY,
    create_uid     integer,
    create_date    timestamp without time zone,
    write_uid      integer,
    write_date     timestamp without time zone,
    subject        varchar,
    date           timestamp without time zone,
    email_from     varchar,
    model          varchar,
    res_id         integer,

    message_type   varchar NOT NULL,
    message_id     varchar,
    mail_server_id integer
);
CREATE INDEX mail_message_model_res_id_fixture_idx ON mail_message (model, res_id);

CREATE TABLE mail_mail (
    id                  serial PRIMARY KEY,
    create_uid          integer,
    create_date         timestamp without time zone,
    write_uid           integer,
    write_date          timestamp without time zone,
    mail_message_id     integer NOT NULL CONSTRAINT mail_mail_mail_message_id_fkey
                            REFERENCES mail_message (id) ON DELETE CASCADE,
    body_html           text,
    "references"        text,
    headers             text,
    is_notification     boolean,
    email_to            text,
    email_cc            varchar,
    state               varchar,
    failure_type        varchar,
    failure_reason      text,
    auto_delete         boolean,
    scheduled_date      timestamp without time zone,
    fetchmail_server_id integer
);
CREATE INDEX mail_mail__mail_message_id_index ON mail_mail (mail_message_id);

CREATE TABLE stock_warehouse (
    id               serial PRIMARY KEY,
    create_uid       integer,
    create_date      timestamp without time zone,
    write_uid        integer,
    write_date       timestamp without time zone,
    name             varchar NOT NULL,
    active           boolean,
    company_id       integer NOT NULL,
    partner_id       integer,
    view_location_id integer NOT NULL,
    lot_stock_id     integer NOT NULL,
    code             varchar(5) NOT NULL,
    reception_steps  varchar NOT NULL,
    delivery_steps   varchar NOT NULL,
    sequence         integer,
    CONSTRAINT stock_warehouse_warehouse_name_uniq UNIQUE (name, company_id),
    CONSTRAINT stock_warehouse_warehouse_code_uniq UNIQUE (code, company_id)
);

CREATE TABLE stock_picking_type (
    id                       serial PRIMARY KEY,
    create_uid               integer,
    create_date              timestamp without time zone,
    write_uid                integer,
    write_date               timestamp without time zone,
    name                     jsonb NOT NULL,
    color                    integer,
    sequence                 integer,
    sequence_id              integer,
    sequence_code            varchar NOT NULL,
    default_location_src_id  integer,
    default_location_dest_id integer,
    code                     varchar NOT NULL,
    return_picking_type_id   integer CONSTRAINT stock_picking_type_return_picking_type_id_fkey
                                 REFERENCES stock_picking_type (id) ON DELETE SET NULL,
    warehouse_id             integer CONSTRAINT stock_picking_type_warehouse_id_fkey
                                 REFERENCES stock_warehouse (id) ON DELETE CASCADE,
    active                   boolean,
    company_id               integer NOT NULL,
    reservation_method       varchar NOT NULL,
    create_backorder         varchar NOT NULL
);
CREATE INDEX stock_picking_type__company_id_index ON stock_picking_type (company_id);

CREATE TABLE stock_picking (
    id                   serial PRIMARY KEY,
    create_uid           integer,
    create_date          timestamp without time zone,
    write_uid            integer,
    write_date           timestamp without time zone,
    name                 varchar,
    origin               varchar,
    note                 text,
    backorder_id         integer CONSTRAINT stock_picking_backorder_id_fkey
                             REFERENCES stock_picking (id) ON DELETE SET NULL,
    return_id            integer CONSTRAINT stock_picking_return_id_fkey
                             REFERENCES stock_picking (id) ON DELETE SET NULL,
    move_type            varchar NOT NULL,
    state                varchar,
    group_id             integer,
    priority             varchar,
    scheduled_date       timestamp without time zone,
    date_deadline        timestamp without time zone,
    has_deadline_issue   boolean,
    date                 timestamp without time zone,
    date_done            timestamp without time zone,
    location_id          integer NOT NULL,
    location_dest_id     integer NOT NULL,
    picking_type_id      integer NOT NULL CONSTRAINT stock_picking_picking_type_id_fkey
                             REFERENCES stock_picking_type (id) ON DELETE RESTRICT,
    partner_id           integer,
    company_id           integer,
    user_id              integer,
    owner_id             integer,
    printed              boolean,
    is_locked            boolean,

    carrier_id           integer,
    carrier_tracking_ref varchar,
    carrier_price        double precision,
    CONSTRAINT stock_picking_name_uniq UNIQUE (name, company_id)
);
CREATE INDEX stock_picking__name_index            ON stock_picking (name);
CREATE INDEX stock_picking__origin_index          ON stock_picking (origin);
CREATE INDEX stock_picking__backorder_id_index    ON stock_picking (backorder_id) WHERE backorder_id IS NOT NULL;
CREATE INDEX stock_picking__return_id_index       ON stock_picking (return_id) WHERE return_id IS NOT NULL;
CREATE INDEX stock_picking__state_index           ON stock_picking (state);
CREATE INDEX stock_picking__scheduled_date_index  ON stock_picking (scheduled_date);
CREATE INDEX stock_picking__picking_type_id_index ON stock_picking (picking_type_id);
CREATE INDEX stock_picking__partner_id_index      ON stock_picking (partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX stock_picking__company_id_index      ON stock_picking (company_id);
CREATE INDEX stock_picking__owner_id_index        ON stock_picking (owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE queue_job_channel (
    id               serial PRIMARY KEY,
    create_uid       integer,
    create_date      timestamp without time zone,
    write_uid        integer,
    write_date       timestamp without time zone,
    name             varchar,
    complete_name    varchar,
    parent_id        integer CONSTRAINT queue_job_channel_parent_id_fkey
                         REFERENCES queue_job_channel (id) ON DELETE RESTRICT,
    removal_interval integer NOT NULL,
    CONSTRAINT queue_job_channel_name_uniq UNIQUE (complete_name)
);

CREATE TABLE queue_job (
    id                  serial PRIMARY KEY,
    uuid                varchar NOT NULL,
    graph_uuid          varchar,
    user_id             integer,
    company_id          integer,
    name                varchar,
    model_name          varchar,
    method_name         varchar,
    records             text,
    dependencies        text,
    args                text,
    kwargs              text,
    func_string         varchar,
    state               varchar NOT NULL,
    priority            integer,
    exc_name            varchar,
    exc_message         varchar,
    exc_info            text,
    result              text,
    date_created        timestamp without time zone,
    date_started        timestamp without time zone,
    date_enqueued       timestamp without time zone,
    date_done           timestamp without time zone,
    exec_time           double precision,
    date_cancelled      timestamp without time zone,
    eta                 timestamp without time zone,
    retry               integer,
    max_retries         integer,
    channel_method_name varchar,
    job_function_id     integer,
    channel             varchar,
    identity_key        varchar,
    worker_pid          integer
);
CREATE INDEX queue_job__uuid_index       ON queue_job (uuid);
CREATE INDEX queue_job__graph_uuid_index ON queue_job (graph_uuid);
CREATE INDEX queue_job__company_id_index ON queue_job (company_id);
CREATE INDEX queue_job__state_index      ON queue_job (state);
CREATE INDEX queue_job__channel_index    ON queue_job (channel);
CREATE INDEX queue_job_identity_key_state_partial_index
    ON queue_job (identity_key)
    WHERE state IN ('pending', 'enqueued') AND identity_key IS NOT NULL;

CREATE TABLE queue_job_lock (
    id           serial PRIMARY KEY,
    create_uid   integer,
    create_date  timestamp without time zone,
    write_uid    integer,
    write_date   timestamp without time zone,
    queue_job_id integer NOT NULL CONSTRAINT queue_job_lock_queue_job_id_fkey
                     REFERENCES queue_job (id) ON DELETE CASCADE
);
CREATE INDEX queue_job_lock__queue_job_id_index ON queue_job_lock (queue_job_id);

CREATE TABLE edi_backend (
    id              serial PRIMARY KEY,
    create_uid      integer,
    create_date     timestamp without time zone,
    write_uid       integer,
    write_date      timestamp without time zone,
    name            varchar NOT NULL,
    backend_type_id integer NOT NULL,
    active          boolean
);

CREATE TABLE edi_exchange_type (
    id              serial PRIMARY KEY,
    create_uid      integer,
    create_date     timestamp without time zone,
    write_uid       integer,
    write_date      timestamp without time zone,
    active          boolean,
    backend_id      integer CONSTRAINT edi_exchange_type_backend_id_fkey
                        REFERENCES edi_backend (id) ON DELETE SET NULL,
    backend_type_id integer NOT NULL,
    name            varchar NOT NULL,
    code            varchar NOT NULL,
    direction       varchar NOT NULL
);

CREATE TABLE edi_exchange_record (
    id                  serial PRIMARY KEY,
    create_uid          integer,
    create_date         timestamp without time zone,
    write_uid           integer,
    write_date          timestamp without time zone,
    identifier          varchar NOT NULL,
    external_identifier varchar,
    type_id             integer NOT NULL CONSTRAINT edi_exchange_record_type_id_fkey
                            REFERENCES edi_exchange_type (id) ON DELETE CASCADE,
    backend_id          integer NOT NULL CONSTRAINT edi_exchange_record_backend_id_fkey
                            REFERENCES edi_backend (id) ON DELETE RESTRICT,
    model               varchar,
    res_id              integer,
    exchange_filename   varchar,
    exchanged_on        timestamp without time zone,
    edi_exchange_state  varchar,
    exchange_error      text,
    parent_id           integer CONSTRAINT edi_exchange_record_parent_id_fkey
                            REFERENCES edi_exchange_record (id) ON DELETE SET NULL,
    ack_exchange_id     integer CONSTRAINT edi_exchange_record_ack_exchange_id_fkey
                            REFERENCES edi_exchange_record (id) ON DELETE SET NULL,
    company_id          integer,
    CONSTRAINT edi_exchange_record_identifier_uniq UNIQUE (identifier),
    CONSTRAINT edi_exchange_record_external_identifier_uniq
        UNIQUE (external_identifier, backend_id, type_id)
);
CREATE INDEX edi_exchange_record__identifier_index          ON edi_exchange_record (identifier);
CREATE INDEX edi_exchange_record__external_identifier_index ON edi_exchange_record (external_identifier);
CREATE INDEX edi_exchange_record__type_id_index             ON edi_exchange_record (type_id);
CREATE INDEX edi_exchange_record__model_index               ON edi_exchange_record (model);
CREATE INDEX edi_exchange_record__res_id_index              ON edi_exchange_record (res_id);
CREATE INDEX edi_exchange_record__edi_exchange_state_index  ON edi_exchange_record (edi_exchange_state);

