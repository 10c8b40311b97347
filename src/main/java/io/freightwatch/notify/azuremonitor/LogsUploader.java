package io.freightwatch.notify.azuremonitor;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.monitor.ingestion.LogsIngestionClient;
import com.azure.monitor.ingestion.LogsIngestionClientBuilder;
import com.azure.monitor.ingestion.models.LogsUploadException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.notify.HttpResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Uploads records to one data collection rule through the Azure Monitor Logs Ingestion API, which
 * takes at most 1 MB per call, compressed or not. The SDK gzips each request and retries 429 and
 * 5xx responses honouring Retry-After. Its own split into requests (version 1.1.0) lets a request
 * pass 1 MiB of JSON by up to one record, so this class splits the records itself into batches of
 * at most {@link #MAX_BATCH_BYTES}. It also cuts long text values so that every record fits, and
 * never uploads an empty list.
 *
 * <p>{@link #upload} blocks: call it from a worker thread.
 */
public final class LogsUploader implements AutoCloseable {

  /**
   * Maximum length of a text value, in UTF-16 characters. Azure Monitor stores at most 64 KB per
   * column, and 16,000 characters stay under that even at 4 UTF-8 bytes each.
   */
  public static final int MAX_VALUE_CHARS = 16_000;

  /** Retries of one request after a 429 or 5xx response, after the first attempt. */
  static final int MAX_RETRIES = 3;

  /**
   * Largest JSON body of one upload call, in bytes: 1 MB less a margin for serializer differences.
   */
  static final int MAX_BATCH_BYTES = 950_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LogsIngestionClient client;
  private final String ruleId;

  /**
   * @param endpoint data collection endpoint, {@code https://...}
   * @param ruleId immutable id of the data collection rule, {@code dcr-...}
   * @param credential token source; {@link #defaultCredential} in production
   * @param httpClient the SDK's HTTP client; {@link #defaultHttpClient()} in production
   */
  public LogsUploader(
      String endpoint, String ruleId, TokenCredential credential, HttpClient httpClient) {
    this.ruleId = ruleId;
    this.client =
        new LogsIngestionClientBuilder()
            .endpoint(endpoint)
            .credential(credential)
            .httpClient(httpClient)
            .retryOptions(
                new RetryOptions(
                    new ExponentialBackoffOptions()
                        .setMaxRetries(MAX_RETRIES)
                        .setBaseDelay(Duration.ofSeconds(1))
                        .setMaxDelay(Duration.ofMinutes(1))))
            .buildClient();
  }

  /**
   * Returns the SDK's HTTP client on the JDK HttpClient, with connect and response timeouts, so
   * that no upload waits forever.
   */
  public static HttpClient defaultHttpClient() {
    return new JdkHttpClientBuilder()
        .connectionTimeout(Duration.ofSeconds(10))
        .responseTimeout(Duration.ofSeconds(60))
        .build();
  }

  /**
   * Returns the credential chain of azure-identity: in AKS the workload identity (from the {@code
   * AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID} and {@code AZURE_FEDERATED_TOKEN_FILE} variables the
   * webhook injects), else a managed identity, else environment credentials.
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
   * @throws UploadException naming the stream and Azure's errors when a request still failed after
   *     the retries
   */
  public void upload(String stream, List<Map<String, Object>> records) {
    if (records.isEmpty()) {
      return;
    }
    for (List<Object> batch : batches(records)) {
      uploadBatch(stream, batch, records.size());
    }
  }

  private void uploadBatch(String stream, List<Object> batch, int total) {
    try {
      client.upload(ruleId, stream, batch);
    } catch (LogsUploadException e) {
      List<String> errors =
          e.getLogsUploadErrors().stream()
              .map(error -> String.valueOf(error.getMessage()))
              .distinct()
              .toList();
      throw new UploadException(
          "upload to stream "
              + stream
              + " failed for "
              + e.getFailedLogsCount()
              + " of "
              + total
              + " records: "
              + HttpResults.cut(String.join("; ", errors)),
          e);
    } catch (RuntimeException e) {
      throw new UploadException(
          "upload to stream "
              + stream
              + " failed: "
              + HttpResults.cut(String.valueOf(e.getMessage())),
          e);
    }
  }

  @Override
  public void close() {
    client.close();
  }

  /** Splits bounded records into lists whose JSON array stays within {@link #MAX_BATCH_BYTES}. */
  static List<List<Object>> batches(List<Map<String, Object>> records) {
    List<List<Object>> batches = new ArrayList<>();
    List<Object> current = new ArrayList<>();
    long currentBytes = 2;
    for (Map<String, Object> record : records) {
      Map<String, Object> bounded = bound(record);
      long size = jsonBytes(bounded) + 1;
      if (!current.isEmpty() && currentBytes + size > MAX_BATCH_BYTES) {
        batches.add(current);
        current = new ArrayList<>();
        currentBytes = 2;
      }
      current.add(bounded);
      currentBytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  private static long jsonBytes(Map<String, Object> record) {
    try {
      return JSON.writeValueAsBytes(record).length;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "record cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
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
