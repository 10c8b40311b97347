package io.freightwatch.lab;

import io.lettuce.core.api.sync.RedisCommands;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Random;

/**
 * Odoo sessions in Redis as the session_redis add-on stores them: {@code session:<sid>} holding the
 * session as JSON, written with SET and then EXPIRE (7 days for logged-in users), and read on every
 * request. A few lookups use a sid that no longer exists, as after a logout. Not thread-safe: one
 * workload thread owns each instance.
 */
final class SessionTraffic {

  /** TTL of a logged-in user's session, in seconds (session_redis default: 7 days). */
  static final long SESSION_TTL_SECONDS = 7L * 24 * 3600;

  private static final int RECENT_SESSIONS = 500;
  private static final int READS_PER_WRITE = 4;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final OdooTenants.Tenant tenant;
  private final TickRate sessions;
  private final TickRate misses;
  private final Deque<String> recent = new ArrayDeque<>();
  private final Random random = new Random();

  SessionTraffic(OdooTenants.Tenant tenant, LogisticsWorkload.Rates rates) {
    this.tenant = tenant;
    this.sessions = new TickRate(rates.sessionsPerSecond());
    this.misses = new TickRate(rates.sessionsPerSecond() / 2);
  }

  void tick(RedisCommands<String, String> redis, double tickSeconds) {
    for (int i = sessions.take(tickSeconds); i > 0; i--) {
      String sid = newSid();
      String key = "session:" + sid;
      redis.set(key, sessionJson(sid));
      redis.expire(key, SESSION_TTL_SECONDS);
      recent.addLast(key);
      if (recent.size() > RECENT_SESSIONS) {
        recent.removeFirst();
      }
      for (int read = 0; read < READS_PER_WRITE && !recent.isEmpty(); read++) {
        redis.get(recent.stream().skip(random.nextInt(recent.size())).findFirst().orElseThrow());
      }
    }
    for (int i = misses.take(tickSeconds); i > 0; i--) {
      redis.get("session:" + newSid());
    }
  }

  /** Returns a random 40-hex-digit session id, the format Odoo uses. */
  static String newSid() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private String sessionJson(String sid) {
    int user = 2 + random.nextInt(40);
    return "{\"db\": \""
        + tenant.database()
        + "\", \"login\": \"user"
        + user
        + "@"
        + tenant.name()
        + ".example\", \"uid\": "
        + user
        + ", \"session_token\": \""
        + sid
        + "\", \"context\": {\"lang\": \"en_US\", \"tz\": \"Europe/Amsterdam\", \"uid\": "
        + user
        + "}, \"debug\": \"\"}";
  }
}
