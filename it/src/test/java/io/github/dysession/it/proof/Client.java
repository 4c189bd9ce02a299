package io.github.dysession.it.proof;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One browser: its own cookie jar holding at most the session cookie, kept by hand so that every
 * {@code Set-Cookie} is seen (the cluster's one {@link java.net.http.HttpClient} is shared by all
 * clients and has no cookie handler). Not thread-safe: one client makes one request at a time.
 */
final class Client {

  private final ProofCluster cluster;
  private String sessionId;
  private final List<String> issued = new ArrayList<>();

  Client(ProofCluster cluster) {
    this.cluster = cluster;
  }

  /** An answer: status, body, the session {@code Set-Cookie} headers, Retry-After. */
  record Answer(int status, String body, List<String> sessionCookies, String retryAfter) {

    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      if (status != 200) {
        throw new AssertionError("answered " + status + ": " + body);
      }
      return ProofCluster.JSON.fromJson(body, Map.class);
    }
  }

  /** Sends a request with the jar's cookie and takes the session cookie from the answer. */
  Answer send(String method, URI uri) throws IOException, InterruptedException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (sessionId != null) {
      builder.header("Cookie", ProofCluster.COOKIE + "=" + sessionId);
    }
    HttpResponse<String> response =
        cluster.http().send(builder.build(), HttpResponse.BodyHandlers.ofString());
    List<String> cookies = new ArrayList<>();
    for (String header : response.headers().allValues("Set-Cookie")) {
      if (header.startsWith(ProofCluster.COOKIE + "=")) {
        cookies.add(header);
        String value = header.substring(ProofCluster.COOKIE.length() + 1).split(";", 2)[0];
        if (header.toLowerCase(Locale.ROOT).contains("max-age=0")) {
          sessionId = null;
        } else {
          cluster.remember(value);
          issued.add(value);
          sessionId = value;
        }
      }
    }
    return new Answer(
        response.statusCode(),
        response.body(),
        cookies,
        response.headers().firstValue("Retry-After").orElse(null));
  }

  /** Sends and parses a 200 answer as JSON. */
  Map<String, Object> json(String method, URI uri) throws IOException, InterruptedException {
    return send(method, uri).json();
  }

  /** The session id in the jar, or null. */
  String sessionId() {
    return sessionId;
  }

  /** Puts a session id of the test's choosing into the jar (remembered for the log check). */
  void setSessionId(String id) {
    cluster.remember(id);
    sessionId = id;
  }

  /** Every session id this client was handed, in order. */
  List<String> issued() {
    return List.copyOf(issued);
  }

  /** The test application's short hash of an id (first 6 bytes of SHA-256, hex). */
  static String hash(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
