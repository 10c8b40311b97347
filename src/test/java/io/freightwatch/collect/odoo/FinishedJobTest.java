package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FinishedJobTest {

  @Test
  void exceptionFromTracebackLastLine() {
    String traceback =
        "Traceback (most recent call last):\n"
            + "  File \"/odoo/addons/queue_job/job.py\", line 5, in perform\n"
            + "    raise UserError(msg)\n"
            + "odoo.exceptions.UserError: No carrier account: contact DHL\n\n";

    assertThat(FinishedJobTracker.exceptionFromTraceback(traceback))
        .isEqualTo("odoo.exceptions.UserError");
  }

  @Test
  void exceptionWithoutMessage() {
    assertThat(FinishedJobTracker.exceptionFromTraceback("Traceback:\nKeyError"))
        .isEqualTo("KeyError");
  }

  @Test
  void noExceptionInFreeText() {
    assertThat(FinishedJobTracker.exceptionFromTraceback("the job went wrong")).isEmpty();
    assertThat(FinishedJobTracker.exceptionFromTraceback(null)).isEmpty();
  }

  @Test
  void unlimitedRetriesNeverExhaust() {
    assertThat(failed(5, 5).hasExhaustedRetries()).isTrue();
    assertThat(failed(6, 5).hasExhaustedRetries()).isTrue();
    assertThat(failed(4, 5).hasExhaustedRetries()).isFalse();
    assertThat(failed(40, 0).hasExhaustedRetries()).isFalse();
  }

  private static FinishedJob failed(int retry, int maxRetries) {
    return new FinishedJob(1, "failed", "root", "", "", "", null, null, null, retry, maxRetries);
  }
}
