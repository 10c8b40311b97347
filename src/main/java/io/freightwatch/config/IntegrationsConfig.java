package io.freightwatch.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Partner integrations (carrier APIs, EDI hubs) and the source series that count their calls,
 * from the {@code integrations} section.
 *
 * @param windows spans over which each integration's failure ratio is computed, shortest first
 * @param partners the integrations, in file order; a series that matches several counts for the
 *     first only
 */
public record IntegrationsConfig(List<Duration> windows, List<Integration> partners) {

  /** Windows used when the section names none. */
  public static final List<Duration> DEFAULT_WINDOWS = List.of(Duration.ofMinutes(5),
      Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6));

  public static final IntegrationsConfig EMPTY = new IntegrationsConfig(DEFAULT_WINDOWS, List.of());

  public IntegrationsConfig {
    windows = windows.stream().sorted().toList();
    partners = List.copyOf(partners);
  }

  /**
   * One partner integration.
   *
   * @param name value of the {@code integration} label, the same name as under {@code
   *     dependencies.integrations}
   * @param queueJobs queue_job channels, models and methods whose finished jobs are its calls
   * @param edi EDI backends whose exchanges are its calls
   * @param traefikRouters Traefik routers whose requests are its calls
   */
  public record Integration(String name, List<QueueJobMatch> queueJobs, List<EdiMatch> edi,
      List<RouterMatch> traefikRouters) {
    public Integration {
      Objects.requireNonNull(name, "name");
      queueJobs = List.copyOf(queueJobs);
      edi = List.copyOf(edi);
      traefikRouters = List.copyOf(traefikRouters);
    }
  }

  /**
   * Selects queue_job series by channel, model and method. Absent fields match anything, and at
   * least one is present.
   *
   * @param channel the whole channel name, such as {@code root.carrier.dhl}
   * @param channelPrefix a channel and its sub-channels: {@code root.carrier} matches {@code
   *     root.carrier} and {@code root.carrier.dhl}, but not {@code root.carriers}
   * @param model the job's model, such as {@code stock.picking}
   * @param method the job's method, such as {@code _send_to_carrier}
   */
  public record QueueJobMatch(Optional<String> channel, Optional<String> channelPrefix,
      Optional<String> model, Optional<String> method) {

    public QueueJobMatch {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(channelPrefix, "channelPrefix");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(method, "method");
    }

    /** Returns true when a job of this channel, model and method belongs to the integration. */
    public boolean matches(String jobChannel, String jobModel, String jobMethod) {
      if (channel.isPresent() && !channel.get().equals(jobChannel)) {
        return false;
      }
      if (channelPrefix.isPresent() && !isWithin(jobChannel, channelPrefix.get())) {
        return false;
      }
      return model.map(jobModel::equals).orElse(true) && method.map(jobMethod::equals).orElse(true);
    }

    private static boolean isWithin(String jobChannel, String prefix) {
      return jobChannel.equals(prefix) || jobChannel.startsWith(prefix + ".");
    }
  }

  /**
   * Selects EDI exchange series by backend name and, optionally, exchange type code.
   *
   * @param backend the {@code edi_backend} name
   * @param exchangeType the exchange type code; empty matches every type of the backend
   */
  public record EdiMatch(String backend, Optional<String> exchangeType) {
    public EdiMatch {
      Objects.requireNonNull(backend, "backend");
      Objects.requireNonNull(exchangeType, "exchangeType");
    }

    public boolean matches(String exchangeBackend, String exchangeTypeCode) {
      return backend.equals(exchangeBackend)
          && exchangeType.map(exchangeTypeCode::equals).orElse(true);
    }
  }

  /**
   * Selects Traefik routers by a regular expression on the whole router name.
   *
   * @param pattern matched against names such as {@code dhl-webhook@kubernetes}; a named group
   *     {@code tenant}, when present and matched, gives the tenant of the router's requests
   */
  public record RouterMatch(Pattern pattern) {
    public RouterMatch {
      Objects.requireNonNull(pattern, "pattern");
    }

    /**
     * Returns the tenant of a matching router, empty text when the pattern has no tenant group,
     * or empty when the router does not match.
     */
    public Optional<String> tenantOf(String router) {
      Matcher matcher = pattern.matcher(router);
      if (!matcher.matches()) {
        return Optional.empty();
      }
      if (!pattern.pattern().contains("(?<tenant>")) {
        return Optional.of("");
      }
      String tenant = matcher.group("tenant");
      return Optional.of(tenant == null ? "" : tenant);
    }
  }
}
