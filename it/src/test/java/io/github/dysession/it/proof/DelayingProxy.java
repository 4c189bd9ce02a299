package io.github.dysession.it.proof;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP/1.1 relay on 127.0.0.1 in front of dynalite that can hold back one request: the network
 * (or DynamoDB) delivering a request late. A held request is delivered after the delay even if the
 * client gave up on it meanwhile (an SDK attempt timeout closes the connection), exactly what a
 * late packet does. Everything else is relayed at once. For fault tests only.
 */
final class DelayingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final AtomicReference<String> delayedOperation = new AtomicReference<>();
  private volatile Duration delay = Duration.ZERO;
  private final AtomicInteger delivered = new AtomicInteger();
  private volatile boolean closed;

  DelayingProxy(URI upstream) throws IOException {
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "delaying-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Holds the next request for {@code operation} (e.g. "UpdateItem") back for {@code delay}. */
  void delayNext(String operation, Duration delay) {
    this.delay = delay;
    delayedOperation.set(operation);
  }

  /** How many held-back requests have been delivered. */
  int deliveredLate() {
    return delivered.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket up = new Socket();
        up.connect(upstream, 2000);
        Thread requests = new Thread(() -> relayRequests(client, up), "proxy-requests");
        Thread responses = new Thread(() -> relayResponses(up, client), "proxy-responses");
        requests.setDaemon(true);
        responses.setDaemon(true);
        requests.start();
        responses.start();
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Client to upstream, request by request, so that one request can be held back. */
  private void relayRequests(Socket client, Socket up) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = up.getOutputStream();
      while (true) {
        byte[] request = readRequest(in);
        if (request == null) {
          break;
        }
        String head =
            new String(request, 0, Math.min(request.length, 4096), StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        String operation = delayedOperation.get();
        if (operation != null
            && head.contains(
                "x-amz-target: dynamodb_20120810." + operation.toLowerCase(Locale.ROOT))
            && delayedOperation.compareAndSet(operation, null)) {
          sleep(delay);
          out.write(request);
          out.flush();
          delivered.incrementAndGet();
          // The client has probably given up on this connection; let the upstream answer anyway.
          continue;
        }
        out.write(request);
        out.flush();
      }
    } catch (IOException e) {
      // The client went away.
    } finally {
      try {
        up.shutdownOutput();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
  }

  private static void relayResponses(Socket up, Socket client) {
    byte[] buffer = new byte[16384];
    boolean clientGone = false;
    try (up;
        client) {
      InputStream in = up.getInputStream();
      OutputStream out = client.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!clientGone) {
          try {
            out.write(buffer, 0, n);
            out.flush();
          } catch (IOException e) {
            clientGone = true;
          }
        }
      }
    } catch (IOException e) {
      // Upstream gone.
    }
  }

  /** One request (head and Content-Length body), or null at the end of the stream. */
  private static byte[] readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while (matched < 4) {
      b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched =
          (b == '\r' && (matched == 0 || matched == 2))
                  || (b == '\n' && (matched == 1 || matched == 3))
              ? matched + 1
              : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        length = Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      return null;
    }
    head.write(body);
    return head.toByteArray();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}
