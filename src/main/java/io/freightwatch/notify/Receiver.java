package io.freightwatch.notify;

import io.vertx.core.Future;

/** A destination for notifications: one attempt to deliver one notification. */
public interface Receiver {

  String name();

  /**
   * Makes one delivery attempt. The future never fails: errors are {@link DeliveryResult.Retry}
   * or {@link DeliveryResult.Rejected}.
   */
  Future<DeliveryResult> deliver(Notification notification);
}
