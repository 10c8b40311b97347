package io.freightwatch.lab;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's fault schedule: switches each fault on for a while, then off, followed by a quiet
 * period, and starts over after the last one. Each switch is announced on the output. Runs on its
 * own daemon thread until {@link #stop()}.
 */
final class FaultSchedule {

  private static final Logger LOG = LoggerFactory.getLogger(FaultSchedule.class);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final List<Step> steps;
  private final Optional<Duration> onOverride;
  private final Duration quietDuration;
  private final Consumer<String> output;
  private final Thread thread;
  private volatile boolean running = true;

  private FaultSchedule(
      List<Step> steps,
      Optional<Duration> onOverride,
      Duration quietDuration,
      Consumer<String> output) {
    this.steps = List.copyOf(steps);
    this.onOverride = onOverride;
    this.quietDuration = quietDuration;
    this.output = output;
    this.thread = new Thread(this::run, "lab-fault-schedule");
    thread.setDaemon(true);
  }

  /**
   * Returns the demo schedule for {@code lab}: carrier outage, stalled runner, replica lag, Redis
   * memory pressure, ingress fault and order-feed errors, spread over the first three tenants.
   *
   * <p>Without {@code onOverride}, each fault stays on for its own time, chosen so that an alert
   * needing a few minutes of evidence can fire: a stalled runner, for example, shows only once its
   * oldest pending job has waited for minutes.
   *
   * @param onOverride time every fault stays on instead of its own, if given
   */
  static FaultSchedule demo(
      Lab lab, Optional<Duration> onOverride, Duration quietDuration, Consumer<String> output) {
    Faults faults = lab.faults();
    List<OdooTenants.Tenant> tenants = lab.tenants().all();
    String first = tenants.get(0).name();
    String second = tenants.get(1 % tenants.size()).name();
    String third = tenants.get(2 % tenants.size()).name();
    String webService = tenants.get(2 % tenants.size()).webService();
    List<Step> steps =
        List.of(
            new Step(
                Faults.CARRIER_OUTAGE + " " + first,
                LogisticsWorkload.carrierOf(first)
                    + " label API returns 503: label jobs retry every 30 s and fail after 5"
                    + " attempts",
                Duration.ofMinutes(6),
                on -> faults.carrierOutage(first, on)),
            new Step(
                Faults.STALLED_RUNNER + " " + second,
                "the job runner's workers are killed: their jobs stay started and hold every"
                    + " slot, pending jobs pile up",
                Duration.ofMinutes(9),
                on -> faults.stalledRunner(second, on)),
            new Step(
                Faults.REPLICA_LAG,
                "WAL replay paused on " + LabPostgres.STANDBY_NAME + " while the primary writes",
                Duration.ofMinutes(4),
                faults::replicaLag),
            new Step(
                Faults.REDIS_MEMORY_PRESSURE,
                "large sessions fill Redis up to maxmemory: keys are evicted",
                Duration.ofMinutes(3),
                faults::redisMemoryPressure),
            new Step(
                Faults.INGRESS_FAULT + " " + webService,
                Math.round(Faults.DEFAULT_INGRESS_ERROR_RATIO * 100)
                    + " % of requests get 5xx, most take 2-4 s",
                Duration.ofMinutes(4),
                on -> faults.ingressFault(webService, on)),
            new Step(
                Faults.ORDER_FEED_ERRORS + " " + third,
                "EDI order imports fail with " + Faults.USER_ERROR,
                Duration.ofMinutes(3),
                on -> faults.orderFeedErrors(third, on)));
    return new FaultSchedule(steps, onOverride, quietDuration, output);
  }

  void start() {
    thread.start();
  }

  /** Stops the schedule; a fault that is on stays on until the lab closes. */
  void stop() {
    running = false;
    thread.interrupt();
  }

  private void run() {
    try {
      while (running) {
        for (Step step : steps) {
          switchStep(step, true);
          Thread.sleep(onDuration(step).toMillis());
          switchStep(step, false);
          Thread.sleep(quietDuration.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void switchStep(Step step, boolean on) {
    String time = LocalTime.now(ZoneOffset.UTC).format(CLOCK);
    try {
      step.toggle().accept(on);
      output.accept(
          time
              + " UTC  FAULT "
              + (on ? "ON   " : "OFF  ")
              + step.name()
              + (on
                  ? ": " + step.description() + " (for " + onDuration(step).toSeconds() + " s)"
                  : ""));
    } catch (RuntimeException e) {
      LOG.warn("event=fault_switch_failed fault={} on={} error={}", step.name(), on, e.toString());
      output.accept(
          time + " UTC  FAULT " + step.name() + " could not be switched: " + e.getMessage());
    }
  }

  private Duration onDuration(Step step) {
    return onOverride.orElse(step.onDuration());
  }

  private record Step(
      String name, String description, Duration onDuration, Consumer<Boolean> toggle) {}
}
