package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.freightwatch.config.PostgresTarget;
import io.freightwatch.config.Secret;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PgSessionsTest {

  private static final PostgresTarget UNUSED =
      new PostgresTarget(
          "unused",
          "none",
          "127.0.0.1",
          freePort(),
          "postgres",
          "nobody",
          Secret.NONE,
          Map.of(),
          Duration.ofSeconds(15),
          Duration.ofSeconds(1));

  @Test
  void refusesToRunOnEventLoop() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (PgSessions sessions = new PgSessions(1)) {
      CompletableFuture<Throwable> failure = new CompletableFuture<>();
      vertx.runOnContext(
          ignored -> {
            try {
              sessions.withConnection(UNUSED, "postgres", Duration.ofSeconds(1), c -> 1);
              failure.complete(null);
            } catch (Throwable refused) {
              failure.complete(refused);
            }
          });

      assertThat(failure.get(10, TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "PgSessions.withConnection blocks and was called on an event-loop thread;"
                  + " run it inside ScrapeContext.blocking");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void rejectsCapBelowOne() {
    assertThatThrownBy(() -> new PgSessions(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnections: got 0; expected at least 1");
  }

  @Test
  void refusesSessionsAfterClose() {
    PgSessions sessions = new PgSessions(1);
    sessions.close();

    assertThatThrownBy(
            () -> sessions.withConnection(UNUSED, "postgres", Duration.ofSeconds(1), c -> 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("PgSessions is closed; no new sessions are opened");
  }

  @Test
  void failedConnectReturnsPermit() {
    try (PgSessions sessions = new PgSessions(1)) {
      for (int attempt = 0; attempt < 3; attempt++) {
        assertThatThrownBy(
                () -> sessions.withConnection(UNUSED, "postgres", Duration.ofMillis(100), c -> 1))
            .isInstanceOf(java.sql.SQLException.class)
            .isNotInstanceOf(SQLTransientConnectionException.class);
      }

      assertThat(sessions.usage()).isEqualTo(new PgSessions.Usage(0, 0, 1));
    }
  }

  @Test
  void silentServerTimesOutWithoutLoginThread() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        PgSessions sessions = new PgSessions(1, Duration.ofMinutes(2), Duration.ofSeconds(1))) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> acceptForever(silent, accepted), "silent-server");
      acceptor.setDaemon(true);
      acceptor.start();
      PostgresTarget target = new PostgresTarget("silent", "none", "127.0.0.1",
          silent.getLocalPort(), "postgres", "nobody", Secret.NONE, Map.of("sslmode", "disable"),
          Duration.ofSeconds(15), Duration.ofSeconds(1));
      long started = System.nanoTime();

      CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
        try {
          sessions.withConnection(target, "postgres", Duration.ofSeconds(1), c -> 1);
          return null;
        } catch (Exception failure) {
          return failure;
        }
      });
      Set<String> threadNames = new HashSet<>();
      while (!outcome.isDone()) {
        Thread.getAllStackTraces().keySet().forEach(thread -> threadNames.add(thread.getName()));
        Thread.sleep(20);
      }

      // The socket timeout is the statement timeout plus the connect timeout: 2 s.
      assertThat(outcome.get()).isInstanceOf(java.sql.SQLException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
      assertThat(accepted).isNotEmpty();
      assertThat(threadNames).noneMatch(name -> name.startsWith("PostgreSQL JDBC driver"));
      assertThat(sessions.usage()).isEqualTo(new PgSessions.Usage(0, 0, 1));
    }
  }

  private static void acceptForever(ServerSocket server, List<Socket> accepted) {
    try {
      while (true) {
        accepted.add(server.accept());
      }
    } catch (IOException closed) {
      // The test closed the server socket.
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }
}
