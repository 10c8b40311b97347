package io.freightwatch.notify;

import io.vertx.core.Future;

/** A destination for notifications: one attempt to deliver one notification. */
public interface Receiver {

  String name();

  /** How the dispatcher turns a group's state into notifications for this receiver. */
  default Mode mode() {
    return Mode.GROUP;
  }

  /**
   * Makes one delivery attempt. The future never fails: errors are {@link DeliveryResult.Retry} or
   * {@link DeliveryResult.Rejected}. Runs on the agent's event loop, so blocking clients must hand
   * their work to a worker pool.
   */
  Future<DeliveryResult> deliver(Notification notification);

  /** How notifications for a receiver are formed. */
  enum Mode {
    /**
     * One notification per group flush with every firing alert of the group and the alerts that
     * resolved since the last one, as Alertmanager sends to webhooks.
     */
    GROUP,
    /**
     * One notification per alert change (started firing, resolved), never repeated: each
     * notification is an event for an incident keyed by the alert, as PagerDuty expects.
     */
    EVENTS,
    /**
     * One notification per alert at every flush, re-sent every resend interval while the alert
     * fires: each post extends a lease that ends the alert unless renewed, as Alertmanager's API
     * works. A newer notification for the same alert replaces a queued older one.
     */
    LEASE
  }
}
