package io.freightwatch.collect.odoo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * EDI exchanges of the OCA module {@code edi_oca} per backend and exchange type: the records in an
 * error state now, and counters of records created and of records that entered an error state.
 *
 * <p>{@code edi_exchange_record} grows forever, so the counters read only what is new. Created
 * records are found by id above a high-water mark, the largest id read. Ids are handed out before
 * commit, so a record can become visible after a higher id. Each id the mark passes without
 * reading it is kept as a gap and looked up by primary key at every scrape, for at most {@link
 * #GAP_RETENTION} of the database's clock and {@value #MAX_GAPS} ids at once. A gap is usually a
 * rolled-back insert that never appears, which is why neither bound can be lifted. Errors are found
 * through the index on {@code edi_exchange_state} and a {@code write_date} after the previous
 * scrape less {@link #ERROR_OVERLAP}, remembering which (id, write_date) it counted, so a record
 * that fails again after a retry counts again. Both counters start at 0 at the first scrape, which
 * only records where the history ends and which of the last {@value #BASELINE_IDS} ids are gaps.
 */
final class EdiSection implements TenantSection {

  static final String IN_ERROR = "freightwatch_odoo_edi_exchanges_in_error";
  static final String EXCHANGES = "freightwatch_odoo_edi_exchanges_total";
  static final String ERRORS = "freightwatch_odoo_edi_exchange_errors_total";

  /** The error states of {@code edi_exchange_state}, common, output and input. */
  static final List<String> ERROR_STATES =
      List.of(
          "validate_error",
          "output_error_on_send",
          "output_sent_and_error",
          "input_receive_error",
          "input_processed_error");

  /** Ids below the first scrape's mark that are checked for gaps. */
  static final int BASELINE_IDS = 1000;

  /** Maximum number of gaps followed at once; beyond it the oldest are dropped first. */
  static final int MAX_GAPS = 5_000;

  /** Time a gap is followed before it is taken for a rolled-back insert. */
  static final Duration GAP_RETENTION = Duration.ofHours(1);

  static final Duration ERROR_OVERLAP = Duration.ofMinutes(10);

  private static final String IN_ERROR_STATES =
      "edi_exchange_state IN ('validate_error', 'output_error_on_send', 'output_sent_and_error',"
          + " 'input_receive_error', 'input_processed_error')";

  // Backend names and exchange type codes by id, then the (backend, exchange type) pairs that
  // exist. An exchange type without a backend serves every backend of its backend type.
  private static final String REFERENCE_SQL =
      """
      SELECT 'backend' AS kind, id, name, NULL AS exchange_type FROM edi_backend
      UNION ALL
      SELECT 'type', id, code, NULL FROM edi_exchange_type
      UNION ALL
      SELECT 'pair', NULL, b.name, t.code
      FROM edi_exchange_type t
      JOIN edi_backend b ON b.id = t.backend_id
          OR (t.backend_id IS NULL AND b.backend_type_id = t.backend_type_id)
      """;

  // The records above the mark, with the largest id and the server's UTC time in the same
  // statement. Before the first mark (a NULL parameter) the rows start BASELINE_IDS below the
  // largest id. The left join keeps the one row that carries the id and time when no record is new.
  private static final String CREATED_SQL =
      "SELECT m.max_id, m.now_utc, r.id, r.backend_id, r.type_id"
          + " FROM (SELECT coalesce(max(id), 0) AS max_id, now() AT TIME ZONE 'UTC' AS now_utc"
          + " FROM edi_exchange_record) m"
          + " LEFT JOIN edi_exchange_record r"
          + " ON r.id > coalesce(?, greatest(0, m.max_id - " + BASELINE_IDS + "))"
          + " ORDER BY r.id";

  private static final String GAPS_SQL =
      "SELECT id, backend_id, type_id FROM edi_exchange_record WHERE id = ANY (?)";

  // One scan of the records in an error state gives both the count per pair and the records
  // written after the given time: those get a row each, the rest one row per pair with a NULL id.
  private static final String IN_ERROR_SQL =
      "SELECT backend_id, type_id,"
          + " CASE WHEN write_date > ? THEN id END AS id,"
          + " CASE WHEN write_date > ? THEN write_date END AS written,"
          + " count(*) AS records"
          + " FROM edi_exchange_record WHERE "
          + IN_ERROR_STATES
          + " GROUP BY 1, 2, 3, 4";

  private final Map<Pair, Long> exchanges = new TreeMap<>();
  private final Map<Pair, Long> errors = new TreeMap<>();
  /** Gaps below the mark, with the database time they were found, oldest first. */
  private final LinkedHashMap<Long, LocalDateTime> gaps = new LinkedHashMap<>();
  private final Map<Long, LocalDateTime> countedErrors = new HashMap<>();
  private final Set<Integer> unnamedBackends = new HashSet<>();
  private final Set<Integer> unnamedTypes = new HashSet<>();
  private boolean started;
  private long highWaterId;
  private LocalDateTime previousScrapeUtc;
  // Names and pairs, read again when the collector refreshes the schema or a record names an id
  // they lack. Ids still unnamed after a fresh read are remembered, so they do not cause a read at
  // every scrape.
  private Reference reference;
  private boolean referenceReadThisScrape;

  @Override
  public boolean appliesTo(InstalledModules modules) {
    return modules.isInstalled("edi_oca");
  }

  @Override
  public void forgetSchema() {
    reference = null;
    unnamedBackends.clear();
    unnamedTypes.clear();
  }

  @Override
  public void read(Connection connection, Labels tenantLabels, List<Sample> out)
      throws SQLException {
    referenceReadThisScrape = false;
    if (reference == null) {
      readReference(connection);
    }
    Created created = readCreated(connection);
    LocalDateTime nowUtc = created.nowUtc();
    if (!started) {
      highWaterId = created.maxId();
    }
    countGapsFilled(connection, nowUtc);
    countCreated(connection, created);
    Map<Pair, Long> inError = countErrors(connection, nowUtc);
    for (Pair pair : reference.pairs()) {
      inError.putIfAbsent(pair, 0L);
      exchanges.putIfAbsent(pair, 0L);
      errors.putIfAbsent(pair, 0L);
    }
    started = true;
    emit(tenantLabels, inError, out);
  }

  private void readReference(Connection connection) throws SQLException {
    Names names = new Names(new HashMap<>(), new HashMap<>());
    List<Pair> pairs = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(REFERENCE_SQL)) {
      while (rows.next()) {
        switch (rows.getString("kind")) {
          case "backend" -> names.backends().put(rows.getInt("id"), rows.getString("name"));
          case "type" -> names.types().put(rows.getInt("id"), rows.getString("name"));
          default -> pairs.add(new Pair(rows.getString("name"), rows.getString("exchange_type")));
        }
      }
    }
    reference = new Reference(names, pairs);
    referenceReadThisScrape = true;
  }

  /**
   * Returns the labels of a record's backend and exchange type, first reading the names again
   * when they lack one of the ids, so that a backend or type added since the last read gets its
   * name rather than its id.
   */
  private Pair pair(Connection connection, int backendId, int typeId) throws SQLException {
    Names names = reference.names();
    boolean known = (names.backends().containsKey(backendId) || unnamedBackends.contains(backendId))
        && (names.types().containsKey(typeId) || unnamedTypes.contains(typeId));
    if (!known && !referenceReadThisScrape) {
      readReference(connection);
      names = reference.names();
    }
    if (!names.backends().containsKey(backendId)) {
      unnamedBackends.add(backendId);
    }
    if (!names.types().containsKey(typeId)) {
      unnamedTypes.add(typeId);
    }
    return names.pair(backendId, typeId);
  }

  /** Reads the records above the mark, the largest id and the server's UTC time. */
  private Created readCreated(Connection connection) throws SQLException {
    long maxId = 0;
    LocalDateTime nowUtc = null;
    List<CreatedRecord> records = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(CREATED_SQL)) {
      if (started) {
        statement.setLong(1, highWaterId);
      } else {
        statement.setNull(1, Types.BIGINT);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          maxId = rows.getLong("max_id");
          nowUtc = rows.getObject("now_utc", LocalDateTime.class);
          long id = rows.getLong("id");
          if (!rows.wasNull()) {
            records.add(new CreatedRecord(id, rows.getInt("backend_id"), rows.getInt("type_id")));
          }
        }
      }
    }
    return new Created(maxId, nowUtc, records);
  }

  /** Counts the gaps that became visible, after dropping those older than the retention. */
  private void countGapsFilled(Connection connection, LocalDateTime nowUtc)
      throws SQLException {
    LocalDateTime expired = nowUtc.minus(GAP_RETENTION);
    gaps.values().removeIf(found -> found.isBefore(expired));
    if (gaps.isEmpty()) {
      return;
    }
    Array ids = connection.createArrayOf("bigint", gaps.keySet().toArray());
    try (PreparedStatement statement = connection.prepareStatement(GAPS_SQL)) {
      statement.setArray(1, ids);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          gaps.remove(rows.getLong("id"));
          exchanges.merge(pair(connection, rows.getInt("backend_id"), rows.getInt("type_id")), 1L,
              Long::sum);
        }
      }
    } finally {
      ids.free();
    }
  }

  /**
   * Counts the records above the mark and moves the mark to the largest of them. The first scrape
   * counts nothing and starts {@value #BASELINE_IDS} ids below the mark to find the gaps there.
   */
  private void countCreated(Connection connection, Created created) throws SQLException {
    long low = started ? highWaterId : Math.max(0, highWaterId - BASELINE_IDS);
    long high = highWaterId;
    Set<Long> read = new HashSet<>();
    for (CreatedRecord record : created.records()) {
      read.add(record.id());
      high = Math.max(high, record.id());
      if (started) {
        exchanges.merge(pair(connection, record.backendId(), record.typeId()), 1L, Long::sum);
      }
    }
    rememberGaps(low, high, read, created.nowUtc());
    highWaterId = high;
  }

  // NOTE: a jump of the id sequence larger than MAX_GAPS keeps only its top MAX_GAPS ids as gaps,
  // and a full gap list drops its oldest, so a record that commits after either is not counted.
  // Keeping more costs one primary-key lookup per gap and scrape.
  private void rememberGaps(long low, long high, Set<Long> read, LocalDateTime nowUtc) {
    long floor = Math.max(low, high - (MAX_GAPS + (long) read.size()));
    for (long id = floor + 1; id <= high; id++) {
      if (!read.contains(id)) {
        gaps.putIfAbsent(id, nowUtc);
      }
    }
    Iterator<Long> oldest = gaps.keySet().iterator();
    while (gaps.size() > MAX_GAPS) {
      oldest.next();
      oldest.remove();
    }
  }

  /**
   * Counts the records that entered an error state since the previous scrape, and returns the
   * records in an error state now per pair.
   */
  private Map<Pair, Long> countErrors(Connection connection, LocalDateTime nowUtc)
      throws SQLException {
    LocalDateTime since = (started ? previousScrapeUtc : nowUtc).minus(ERROR_OVERLAP);
    Map<Pair, Long> inError = new TreeMap<>();
    try (PreparedStatement statement = connection.prepareStatement(IN_ERROR_SQL)) {
      statement.setObject(1, since);
      statement.setObject(2, since);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Pair pair = pair(connection, rows.getInt("backend_id"), rows.getInt("type_id"));
          inError.merge(pair, rows.getLong("records"), Long::sum);
          long id = rows.getLong("id");
          if (rows.wasNull()) {
            continue;
          }
          LocalDateTime written = rows.getObject("written", LocalDateTime.class);
          if (!written.equals(countedErrors.put(id, written)) && started) {
            errors.merge(pair, 1L, Long::sum);
          }
        }
      }
    }
    LocalDateTime nextSince = nowUtc.minus(ERROR_OVERLAP);
    countedErrors.values().removeIf(written -> !written.isAfter(nextSince));
    previousScrapeUtc = nowUtc;
    return inError;
  }

  private void emit(Labels tenantLabels, Map<Pair, Long> inError, List<Sample> out) {
    inError.forEach(
        (pair, records) ->
            out.add(
                Sample.gauge(
                    IN_ERROR,
                    "EDI exchange records in an error state, waiting for a retry or a fix",
                    records,
                    pair.labels(tenantLabels))));
    exchanges.forEach(
        (pair, total) ->
            out.add(
                Sample.counter(
                    EXCHANGES,
                    "EDI exchange records created since the agent started",
                    total,
                    pair.labels(tenantLabels))));
    errors.forEach(
        (pair, total) ->
            out.add(
                Sample.counter(
                    ERRORS,
                    "EDI exchange records that entered an error state since the agent started",
                    total,
                    pair.labels(tenantLabels))));
  }

  /** Backend names and exchange type codes by id. */
  private record Names(Map<Integer, String> backends, Map<Integer, String> types) {

    /** Returns the labels of a record; an id without a row is shown as the id itself. */
    Pair pair(int backendId, int typeId) {
      return new Pair(
          backends.getOrDefault(backendId, "backend " + backendId),
          types.getOrDefault(typeId, "type " + typeId));
    }
  }

  /** The result of {@link #CREATED_SQL}. */
  private record Created(long maxId, LocalDateTime nowUtc, List<CreatedRecord> records) {}

  private record CreatedRecord(long id, int backendId, int typeId) {}

  /** Names by id, and the pairs whose in-error gauge is emitted at 0 when no record is in error. */
  private record Reference(Names names, List<Pair> pairs) {}

  private record Pair(String backend, String exchangeType) implements Comparable<Pair> {

    Labels labels(Labels tenantLabels) {
      return tenantLabels.with("backend", backend).with("exchange_type", exchangeType);
    }

    @Override
    public int compareTo(Pair other) {
      int byBackend = backend.compareTo(other.backend);
      return byBackend != 0 ? byBackend : exchangeType.compareTo(other.exchangeType);
    }
  }
}
