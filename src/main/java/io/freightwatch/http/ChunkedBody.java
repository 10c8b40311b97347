package io.freightwatch.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.OutputStream;

/**
 * An output stream that sends what is written to an HTTP response in chunks of about 64 KB, so a
 * body of several megabytes is never held whole. Use it on the response's event loop only, and
 * call {@link #finish()} to end the response.
 */
final class ChunkedBody extends OutputStream {

  static final int CHUNK_BYTES = 64 * 1024;

  private final HttpServerResponse response;
  private Buffer pending = Buffer.buffer(CHUNK_BYTES);

  ChunkedBody(HttpServerResponse response) {
    this.response = response;
    response.setChunked(true);
  }

  @Override
  public void write(int value) {
    pending.appendByte((byte) value);
    sendIfFull();
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    pending.appendBytes(bytes, offset, length);
    sendIfFull();
  }

  /** Sends what is left and ends the response. */
  void finish() {
    response.end(pending);
    pending = null;
  }

  private void sendIfFull() {
    if (pending.length() >= CHUNK_BYTES) {
      response.write(pending);
      pending = Buffer.buffer(CHUNK_BYTES);
    }
  }
}
