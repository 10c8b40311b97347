package io.freightwatch.lab;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A tenant's HTTP traffic through Traefik, recorded in the stand-in: the web client (mostly fast
 * JSON-RPC calls), the handheld barcode scanners on the warehouse floor, and long-polling websocket
 * connections whose durations are minutes. Not thread-safe: one workload thread owns each instance.
 */
final class IngressTraffic {

  /** Share of normal requests that get a 404 response (stale bookmarks, missing images). */
  static final double NOT_FOUND_RATIO = 0.01;

  private final OdooTenants.Tenant tenant;
  private final TraefikStandIn traefik;
  private final Faults faults;
  private final TickRate web;
  private final TickRate handheld;
  private final TickRate websocket;
  private final Random random = new Random();
  private final Map<String, ServiceState> states = new HashMap<>();

  IngressTraffic(
      OdooTenants.Tenant tenant,
      TraefikStandIn traefik,
      Faults faults,
      LogisticsWorkload.Rates rates) {
    this.tenant = tenant;
    this.traefik = traefik;
    this.faults = faults;
    this.web = new TickRate(rates.webRequestsPerSecond());
    this.handheld = new TickRate(rates.handheldRequestsPerSecond());
    this.websocket = new TickRate(rates.websocketRequestsPerSecond());
  }

  void tick(double tickSeconds) {
    for (int i = web.take(tickSeconds); i > 0; i--) {
      // The web client mixes page loads (GET) with JSON-RPC calls (POST).
      request(tenant.webService(), "web", random.nextDouble() < 0.6 ? "GET" : "POST", 0.12, 0.6);
    }
    for (int i = handheld.take(tickSeconds); i > 0; i--) {
      // Each barcode scan is a small JSON-RPC POST.
      request(
          tenant.handheldService(),
          "handheld",
          random.nextDouble() < 0.8 ? "POST" : "GET",
          0.06,
          0.5);
    }
    for (int i = websocket.take(tickSeconds); i > 0; i--) {
      longPoll();
    }
  }

  private void request(
      String service, String app, String method, double medianSeconds, double sigma) {
    ServiceState state = states.computeIfAbsent(service, ignored -> new ServiceState());
    Faults.IngressFault fault = faults.ingressFault(service).orElse(null);
    int code;
    double seconds;
    if (fault != null && state.errors.next(fault.errorRatio())) {
      state.errorCount++;
      code = state.errorCount % 2 == 0 ? 504 : 502;
    } else {
      code = state.notFound.next(NOT_FOUND_RATIO) ? 404 : 200;
    }
    if (fault != null && state.slow.next(fault.slowRatio())) {
      seconds =
          fault.slowMinSeconds()
              + random.nextDouble() * (fault.slowMaxSeconds() - fault.slowMinSeconds());
    } else {
      seconds = Math.min(9.0, medianSeconds * Math.exp(sigma * random.nextGaussian()));
    }
    traefik.record(
        TraefikStandIn.ENTRYPOINT,
        tenant.name() + "-" + app + "@kubernetes",
        service,
        method,
        code,
        "http",
        seconds);
  }

  private void longPoll() {
    // A closed websocket is recorded once, with the time it stayed open (30 s to 5 min).
    double seconds = 30 + random.nextDouble() * 270;
    traefik.record(
        TraefikStandIn.ENTRYPOINT,
        tenant.name() + "-websocket@kubernetes",
        tenant.websocketService(),
        "GET",
        101,
        "websocket",
        seconds);
  }

  private static final class ServiceState {
    final EvenRatio errors = new EvenRatio();
    final EvenRatio slow = new EvenRatio();
    final EvenRatio notFound = new EvenRatio();
    long errorCount;
  }
}
