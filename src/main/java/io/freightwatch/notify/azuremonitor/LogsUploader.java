package io.freightwatch.notify.azuremonitor;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.monitor.ingestion.LogsIngestionClient;
import com.azure.monitor.ingestion.LogsIngestionClientBuilder;
import com.azure.monitor.ingestion.models.LogsUploadException;
import io.freightwatch.notify.HttpResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Uploads records to one data collection rule through the Azure Monitor Logs Ingestion API. The
 * SDK splits the records into requests of at most 1 MiB of JSON (before gzip), compresses them,
 * and retries 429 and 5xx answers honouring Retry-After. This class makes sure each record fits
 * in a request by cutting long text values, and never uploads an empty list.
 *
 * <p>{@link #upload} blocks: call it from a worker thread.
 */
public final class LogsUploader implements AutoCloseable {

  /**
   * Longest text value kept, in UTF-16 characters. Azure Monitor stores at most 64 KB per
   * column; 16,000 characters stay under that even at 4 UTF-8 bytes each.
   */
  public static final int MAX_VALUE_CHARS = 16_000;

  /** Retries of one request after a 429 or 5xx answer, after the first attempt. */
  static final int MAX_RETRIES = 3;

  private final LogsIngestionClient client;
  private final String ruleId;

  /**
   * @param endpoint data collection endpoint, {@code https://...}
   * @param ruleId immutable id of the data collection rule, {@code dcr-...}
   * @param credential token source; {@link #defaultCredential} in production
   * @param httpClient the SDK's HTTP client; {@link HttpClient#createDefault()} in production
   */
  public LogsUploader(String endpoint, String ruleId, TokenCredential credential,
      HttpClient httpClient) {
    this.ruleId = ruleId;
    this.client = new LogsIngestionClientBuilder()
        .endpoint(endpoint)
        .credential(credential)
        .httpClient(httpClient)
        .retryOptions(new RetryOptions(new ExponentialBackoffOptions()
            .setMaxRetries(MAX_RETRIES)
            .setBaseDelay(Duration.ofSeconds(1))
            .setMaxDelay(Duration.ofMinutes(1))))
        .buildClient();
  }

  /**
   * Returns the credential chain of azure-identity: in AKS the workload identity (from the
   * {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID} and {@code AZURE_FEDERATED_TOKEN_FILE}
   * variables the webhook injects), else a managed identity, else environment credentials.
   *
   * @param clientId client id of a user-assigned identity; empty for the default
   */
  public static TokenCredential defaultCredential(String clientId) {
    DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
    if (!clientId.isEmpty()) {
      builder.managedIdentityClientId(clientId).workloadIdentityClientId(clientId);
    }
    return builder.build();
  }

  /**
   * Uploads {@code records} to {@code stream}. Does nothing for an empty list.
   *
   * @throws UploadException naming the stream and Azure's errors when a request still failed
   *     after the retries
   */
  public void upload(String stream, List<Map<String, Object>> records) {
    if (records.isEmpty()) {
      return;
    }
    List<Object> bounded = new ArrayList<>(records.size());
    for (Map<String, Object> record : records) {
      bounded.add(bound(record));
    }
    try {
      client.upload(ruleId, stream, bounded);
    } catch (LogsUploadException e) {
      List<String> errors = e.getLogsUploadErrors().stream()
          .map(error -> String.valueOf(error.getMessage()))
          .distinct()
          .toList();
      throw new UploadException("upload to stream " + stream + " failed for "
          + e.getFailedLogsCount() + " of " + records.size() + " records: "
          + HttpResults.cut(String.join("; ", errors)), e);
    } catch (RuntimeException e) {
      throw new UploadException("upload to stream " + stream + " failed: "
          + HttpResults.cut(String.valueOf(e.getMessage())), e);
    }
  }

  @Override
  public void close() {
    client.close();
  }

  /** Returns a copy of {@code record} with every text value cut to {@link #MAX_VALUE_CHARS}. */
  static Map<String, Object> bound(Map<String, Object> record) {
    Map<String, Object> result = new LinkedHashMap<>();
    record.forEach((key, value) -> result.put(key, boundValue(value)));
    return result;
  }

  private static Object boundValue(Object value) {
    if (value instanceof String text) {
      return HttpResults.truncate(text, MAX_VALUE_CHARS);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), boundValue(v)));
      return copy;
    }
    return value;
  }

  /** An upload that failed after the SDK's retries. */
  public static final class UploadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UploadException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
