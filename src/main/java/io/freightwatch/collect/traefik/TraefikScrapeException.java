package io.freightwatch.collect.traefik;

/**
 * A failed scrape of a Traefik target. The message names the target, the URL and what failed: the
 * request, the HTTP status with an excerpt of the reply, the Content-Type, or the parse error.
 */
public final class TraefikScrapeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TraefikScrapeException(String message, Throwable cause) {
    super(message, cause);
  }
}
