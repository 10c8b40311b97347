package io.freightwatch.store.durable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The agent's durable state in one H2 MVStore file ({@code freightwatch.mv}) in the data
 * directory: the notification outbox, SLO history and anything else that must survive a restart.
 * Each user opens its own named map. Data is safe against a process crash once {@link #commit()}
 * has returned. MVStore's background writer commits what is left and compacts the file. It wakes
 * every 10 seconds, a third of its commit delay: the agent commits on its own (the outbox at every
 * change, the rest every 10 seconds), and MVStore's default delay woke the thread three times a
 * second.
 *
 * <p>The file is locked while open, so a second agent pointed at the same directory fails to
 * start instead of corrupting it. {@link #commit()} writes to disk: call it from a worker thread,
 * not from the event loop. Maps themselves are thread-safe.
 */
public final class DurableStore implements AutoCloseable {

  /** File name inside the data directory. */
  public static final String FILE_NAME = "freightwatch.mv";

  /** Delay of MVStore's background commit. Its thread wakes every third of this delay. */
  static final int AUTO_COMMIT_DELAY_MILLIS = 30_000;

  private final MVStore store;
  private final Path file;

  private DurableStore(MVStore store, Path file) {
    this.store = store;
    this.file = file;
  }

  /**
   * Opens or creates the store in {@code directory}, creating the directory if needed.
   *
   * @throws IllegalStateException naming the file and the fix when it cannot be opened, for
   *     example because another agent holds it or the directory is not writable
   */
  public static DurableStore open(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the data directory " + directory + " ("
          + e.getMessage() + "); set agent.data_directory to a writable directory", e);
    }
    try {
      MVStore store = new MVStore.Builder()
          .fileName(file.toString())
          .compress()
          .open();
      store.setAutoCommitDelay(AUTO_COMMIT_DELAY_MILLIS);
      return new DurableStore(store, file);
    } catch (MVStoreException e) {
      throw new IllegalStateException("cannot open " + file + " (" + e.getMessage() + "); another"
          + " agent may be using this data directory: give each agent its own", e);
    }
  }

  /** Returns the map called {@code name}, creating it empty on first use. */
  public <K, V> MVMap<K, V> map(String name) {
    return store.openMap(name);
  }

  /** Writes every change made so far to disk; after it returns, a crash loses none of them. */
  public void commit() {
    store.commit();
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    store.close();
  }
}
