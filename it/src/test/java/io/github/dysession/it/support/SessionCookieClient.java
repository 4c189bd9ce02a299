package io.github.dysession.it.support;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One user of the test application on a shared {@link HttpClient}: a cookie jar holding at most the
 * session cookie, kept by hand so that every {@code Set-Cookie} is seen (a shared client has no
 * cookie handler of its own). For the proof suites and the benchmarks, which run many users on one
 * client; the web suites' {@code Browser} keeps every cookie, as a browser does. Not thread-safe:
 * one user makes one request at a time.
 */
public final class SessionCookieClient {

  /** Parses the test application's JSON answers. */
  public static final Jsonb JSON = JsonbBuilder.create();

  private final HttpClient http;
  private final String cookieName;
  private final Consumer<String> onIssued;
  private final List<String> issued = new ArrayList<>();
  private String sessionId;

  /**
   * A client on {@code http} keeping the cookie {@code cookieName} (null: none, for cookie-less
   * control requests); {@code onIssued} hears every session id it is given or handed.
   */
  public SessionCookieClient(HttpClient http, String cookieName, Consumer<String> onIssued) {
    this.http = http;
    this.cookieName = cookieName;
    this.onIssued = onIssued;
  }

  /** An answer: status, body, the session {@code Set-Cookie} headers, Retry-After. */
  public record Answer(int status, String body, List<String> sessionCookies, String retryAfter) {

    /** Parses a 200 answer as a JSON object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> json() {
      if (status != 200) {
        throw new AssertionError("answered " + status + ": " + body);
      }
      return JSON.fromJson(body, Map.class);
    }
  }

  /** Sends a request with the jar's cookie and takes the session cookie from the answer. */
  public Answer send(String method, URI uri) throws IOException, InterruptedException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (sessionId != null && cookieName != null) {
      builder.header("Cookie", cookieName + "=" + sessionId);
    }
    HttpResponse<String> response =
        http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    List<String> cookies = new ArrayList<>();
    if (cookieName != null) {
      for (String header : response.headers().allValues("Set-Cookie")) {
        if (header.startsWith(cookieName + "=")) {
          cookies.add(header);
          String value = header.substring(cookieName.length() + 1).split(";", 2)[0];
          if (value.isEmpty() || header.toLowerCase(Locale.ROOT).contains("max-age=0")) {
            sessionId = null;
          } else {
            onIssued.accept(value);
            issued.add(value);
            sessionId = value;
          }
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
  public Map<String, Object> json(String method, URI uri) throws IOException, InterruptedException {
    return send(method, uri).json();
  }

  /** The session id in the jar, or null. */
  public String sessionId() {
    return sessionId;
  }

  /** Puts a session id of the test's choosing into the jar. */
  public void setSessionId(String id) {
    onIssued.accept(id);
    sessionId = id;
  }

  /** Every session id this client was handed, in order. */
  public List<String> issued() {
    return List.copyOf(issued);
  }

  /** The test application's short hash of an id, as its servlet computes it. */
  public static String hash(String id) {
    return io.github.dysession.it.app.SessionServlet.hash(id);
  }
}
