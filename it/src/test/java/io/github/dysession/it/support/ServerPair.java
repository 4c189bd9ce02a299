package io.github.dysession.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Two servers started side by side, each on a thread of its own (the common pool has a single
 * thread on a 2-core machine), for the fixtures that run instances "a" and "b": the pair suites,
 * the proof suites and the demo. Whichever started is stopped again when the other did not.
 *
 * @param <T> the server type
 * @param a the first server
 * @param b the second server
 */
public record ServerPair<T extends AutoCloseable>(T a, T b) implements AutoCloseable {

  /**
   * Starts both at once and returns them when both are up.
   *
   * @throws RuntimeException the first start's failure, after the other server was stopped
   */
  public static <T extends AutoCloseable> ServerPair<T> start(Supplier<T> a, Supplier<T> b) {
    CompletableFuture<T> first = CompletableFuture.supplyAsync(a, ServerPair::inNewThread);
    CompletableFuture<T> second = CompletableFuture.supplyAsync(b, ServerPair::inNewThread);
    try {
      return new ServerPair<>(first.join(), second.join());
    } catch (CompletionException e) {
      // Let the other start finish, so that it is stopped here rather than left behind.
      List<AutoCloseable> started = new ArrayList<>();
      for (CompletableFuture<T> start : List.of(first, second)) {
        T server = start.exceptionally(t -> null).join();
        if (server != null) {
          started.add(server);
        }
      }
      closeAll(started);
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Stops both at once, each as its {@code close} does, and returns when both are down. */
  @Override
  public void close() {
    CompletableFuture<Void> stopA =
        CompletableFuture.runAsync(() -> closeAll(List.of(a)), ServerPair::inNewThread);
    CompletableFuture<Void> stopB =
        CompletableFuture.runAsync(() -> closeAll(List.of(b)), ServerPair::inNewThread);
    CompletableFuture.allOf(stopA, stopB).exceptionally(t -> null).join();
  }

  private static void inNewThread(Runnable task) {
    Thread thread = new Thread(task, "server-pair");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeAll(List<? extends AutoCloseable> servers) {
    for (AutoCloseable server : servers) {
      try {
        server.close();
      } catch (Exception e) {
        // Keep stopping the others.
      }
    }
  }
}
