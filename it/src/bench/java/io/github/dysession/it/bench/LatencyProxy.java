package io.github.dysession.it.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte relay on 127.0.0.1 in front of dynalite that delivers everything a client sends a fixed
 * delay after it arrived: every DynamoDB request reaches dynalite that much later, as over a
 * network with that round trip (the answers travel back at once). Connections are relayed as they
 * are, so HTTP/1.1 keep-alive works; per connection one thread reads the client, one delivers its
 * bytes when they are due, one relays the answers. At most {@value #MAX_CONNECTIONS} connections at
 * a time; {@link #close} ends them all.
 */
final class LatencyProxy implements AutoCloseable {

  /**
   * The default delay: 5 ms, the middle of the "single-digit milliseconds" AWS gives as the average
   * latency of GetItem and PutItem (https://repost.aws/knowledge-center/dynamodb-high-latency): the
   * service's own time (CloudWatch's SuccessfulRequestLatency, without the network), which dynalite
   * on loopback does not take.
   */
  static final Duration DEFAULT_DELAY = Duration.ofMillis(5);

  /** Where the default delay comes from, for the report. */
  static final String DELAY_SOURCE = "https://repost.aws/knowledge-center/dynamodb-high-latency";

  private static final int MAX_CONNECTIONS = 512;
  private static final int BUFFER = 16384;

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final long delayNanos;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong chunks = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private volatile boolean closed;

  /** A chunk of a client's bytes and when it is due upstream; an empty one ends the stream. */
  private static final class Chunk {
    private final byte[] bytes;
    private final long dueNanos;

    Chunk(byte[] bytes, long dueNanos) {
      this.bytes = bytes;
      this.dueNanos = dueNanos;
    }

    byte[] bytes() {
      return bytes;
    }

    long dueNanos() {
      return dueNanos;
    }
  }

  LatencyProxy(URI upstream, Duration delay) throws IOException {
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.delayNanos = delay.toNanos();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "latency-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The relay's endpoint, for {@code dysession.dynamodb-endpoint}. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** How many chunks of requests it has delivered (late). */
  long chunksDelivered() {
    return chunks.get();
  }

  /** How many connections it has accepted. */
  long connectionsAccepted() {
    return connections.get();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (sockets.size() >= 2 * MAX_CONNECTIONS) {
        closeQuietly(client);
        continue;
      }
      Socket up = new Socket();
      try {
        client.setTcpNoDelay(true);
        up.setTcpNoDelay(true);
        up.connect(upstream, 2000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(up);
        continue;
      }
      sockets.add(client);
      sockets.add(up);
      connections.incrementAndGet();
      BlockingQueue<Chunk> due = new LinkedBlockingQueue<>();
      start("latency-proxy-read", () -> readClient(client, due));
      start("latency-proxy-deliver", () -> deliver(due, client, up));
      start("latency-proxy-answer", () -> answer(up, client));
    }
  }

  private static void start(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Reads the client's bytes as they come and stamps each chunk with the time it is due. */
  private void readClient(Socket client, BlockingQueue<Chunk> due) {
    byte[] buffer = new byte[BUFFER];
    try {
      InputStream in = client.getInputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        due.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
      }
    } catch (IOException e) {
      // The client went away, or the relay closed.
    } finally {
      due.add(new Chunk(new byte[0], System.nanoTime()));
    }
  }

  /** Delivers each chunk upstream when it is due, in order; the delay is the same for all. */
  private void deliver(BlockingQueue<Chunk> due, Socket client, Socket up) {
    try {
      OutputStream out = up.getOutputStream();
      while (!closed) {
        Chunk chunk = due.poll(1, TimeUnit.SECONDS);
        if (chunk == null) {
          continue;
        }
        if (chunk.bytes().length == 0) {
          break;
        }
        long wait = chunk.dueNanos() - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        out.write(chunk.bytes());
        out.flush();
        chunks.incrementAndGet();
      }
    } catch (IOException e) {
      // Upstream gone.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        up.shutdownOutput();
      } catch (IOException ignored) {
        // Already closed.
      }
      if (closed) {
        closeQuietly(client);
      }
    }
  }

  /** Relays the answers back at once; closes both sockets when upstream ends. */
  private void answer(Socket up, Socket client) {
    byte[] buffer = new byte[BUFFER];
    try {
      InputStream in = up.getInputStream();
      OutputStream out = client.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // One side went away.
    } finally {
      closeQuietly(up);
      closeQuietly(client);
      sockets.remove(up);
      sockets.remove(client);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }

  /** Stops accepting and closes every relayed connection. */
  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }
}
