package io.github.dysession.it.support;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/**
 * The tests' one HTTP client with a cookie jar of its own: one user of the test applications. Its
 * jar is one of two kinds:
 *
 * <ul>
 *   <li>a <em>browser</em> jar ({@link #CookieJarClient()}): an HTTP client of its own whose {@link
 *       CookieManager} keeps every cookie by a browser's rules (paths, expiry, {@code Max-Age=0});
 *       cookies are shared across the ports of 127.0.0.1, so requests to either server instance
 *       carry the same session cookie. For the web suites (logins, Faces, frameworks' cookies).
 *   <li>a <em>session</em> jar ({@link #sharing}): many users on one shared {@link HttpClient},
 *       each keeping only the session cookie, by hand, sent on every request as it is, so that a
 *       test can plant any value (malformed, retired, another user's) and sees every {@code
 *       Set-Cookie} for it. For the proof suites and the benchmarks.
 * </ul>
 *
 * <p>Not thread-safe in the second kind: one user makes one request at a time.
 */
public final class CookieJarClient {

  /** Parses the test applications' JSON answers. */
  public static final Jsonb JSON = JsonbBuilder.create();

  /** The session cookie's name in the test applications unless one is given. */
  public static final String SESSION_COOKIE = "DYSESSION";

  private static final URI LOOPBACK = URI.create("http://127.0.0.1/");

  private final HttpClient http;

  /** The browser jar, or null for a session jar. */
  private final CookieManager cookies;

  private final String cookieName;
  private final String agent;
  private final Consumer<String> onIssued;
  private final List<String> issued = new ArrayList<>();
  private final Set<String> cookieNamesSet = new HashSet<>();

  /** The session jar's one cookie value, or null. */
  private String sessionId;

  /** A browser that does not follow redirects. */
  public CookieJarClient() {
    this(HttpClient.Redirect.NEVER, null);
  }

  /** A browser that names itself {@code agent} in its User-Agent header. */
  public CookieJarClient(String agent) {
    this(HttpClient.Redirect.NEVER, agent);
  }

  /** A browser following redirects as {@code redirects} says. */
  public CookieJarClient(HttpClient.Redirect redirects) {
    this(redirects, null);
  }

  private CookieJarClient(HttpClient.Redirect redirects, String agent) {
    this.cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(redirects)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.cookieName = SESSION_COOKIE;
    this.agent = agent;
    this.onIssued = id -> {};
  }

  private CookieJarClient(HttpClient http, String cookieName, Consumer<String> onIssued) {
    this.cookies = null;
    this.http = http;
    this.cookieName = cookieName;
    this.agent = null;
    this.onIssued = onIssued;
  }

  /**
   * A user on the shared {@code http} keeping only the cookie {@code cookieName} (null: none, for
   * cookie-less control requests); {@code onIssued} hears every session id it is given or handed.
   */
  public static CookieJarClient sharing(
      HttpClient http, String cookieName, Consumer<String> onIssued) {
    return new CookieJarClient(http, cookieName, onIssued);
  }

  /**
   * An answer: the response, and its {@code Set-Cookie} headers for the session cookie (for a
   * browser jar too). It is the response itself, so tests read it either way.
   */
  public record Answer(HttpResponse<String> response, List<String> sessionCookies)
      implements HttpResponse<String> {

    /** The status code. */
    public int status() {
      return response.statusCode();
    }

    /** The Retry-After header, or null. */
    public String retryAfter() {
      return response.headers().firstValue("Retry-After").orElse(null);
    }

    /** Parses a 200 answer as a JSON object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> json() {
      if (statusCode() != 200) {
        throw new AssertionError(
            request().method() + " " + uri() + " answered " + statusCode() + ": " + body());
      }
      return JSON.fromJson(body(), Map.class);
    }

    @Override
    public int statusCode() {
      return response.statusCode();
    }

    @Override
    public HttpRequest request() {
      return response.request();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return response.previousResponse();
    }

    @Override
    public HttpHeaders headers() {
      return response.headers();
    }

    @Override
    public String body() {
      return response.body();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return response.sslSession();
    }

    @Override
    public URI uri() {
      return response.uri();
    }

    @Override
    public HttpClient.Version version() {
      return response.version();
    }
  }

  /** Sends a request without a body and returns the answer; bodies are short JSON or text. */
  public Answer send(String method, URI uri) throws IOException, InterruptedException {
    return exchange(
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * Posts an HTML form ({@code application/x-www-form-urlencoded}; values are URL-encoded here).
   */
  public Answer postForm(URI uri, Map<String, String> fields)
      throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (k, v) ->
            body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return exchange(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  /** Sends a request and parses a 200 answer as a JSON object. */
  public Map<String, Object> json(String method, URI uri) throws IOException, InterruptedException {
    return send(method, uri).json();
  }

  private Answer exchange(HttpRequest.Builder request) throws IOException, InterruptedException {
    request.timeout(Duration.ofSeconds(30));
    if (agent != null) {
      request.header("User-Agent", agent);
    }
    if (cookies == null && sessionId != null && cookieName != null) {
      request.header("Cookie", cookieName + "=" + sessionId);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    List<String> session = new ArrayList<>();
    synchronized (this) {
      for (String header : response.headers().allValues("Set-Cookie")) {
        int eq = header.indexOf('=');
        cookieNamesSet.add((eq < 0 ? header : header.substring(0, eq)).trim());
        if (cookieName != null && header.startsWith(cookieName + "=")) {
          session.add(header);
          keep(header.substring(cookieName.length() + 1).split(";", 2)[0], header);
        }
      }
    }
    return new Answer(response, List.copyOf(session));
  }

  /** Takes a session cookie's value from a {@code Set-Cookie}; a browser jar holds it already. */
  private void keep(String value, String header) {
    boolean cleared = value.isEmpty() || header.toLowerCase(Locale.ROOT).contains("max-age=0");
    if (!cleared) {
      onIssued.accept(value);
      issued.add(value);
    }
    if (cookies == null) {
      sessionId = cleared ? null : value;
    }
  }

  /** The names of every cookie any response to this client set so far. */
  public synchronized Set<String> cookieNamesSet() {
    return new TreeSet<>(cookieNamesSet);
  }

  /** Every session id this client was handed, in order. */
  public synchronized List<String> issued() {
    return List.copyOf(issued);
  }

  /** The session cookie's value in the jar, or null. */
  public String sessionId() {
    return cookieValue(cookieName);
  }

  /** The value of the cookie named {@code name} in the jar, or null. */
  public String cookieValue(String name) {
    if (cookies == null) {
      return name != null && name.equals(cookieName) ? sessionId : null;
    }
    for (HttpCookie c : cookies.getCookieStore().getCookies()) {
      if (c.getName().equals(name)) {
        return c.getValue();
      }
    }
    return null;
  }

  /**
   * Puts a session id of the test's choosing into the jar, as the only cookie (a browser jar drops
   * its others: the cookie is for every path on 127.0.0.1).
   */
  public void setSessionId(String id) {
    onIssued.accept(id);
    if (cookies == null) {
      sessionId = id;
      return;
    }
    cookies.getCookieStore().removeAll();
    HttpCookie cookie = new HttpCookie(cookieName, id);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.getCookieStore().add(LOOPBACK, cookie);
  }

  /** Puts a copy of every cookie of {@code other}'s jar into this one. */
  public void copyCookiesFrom(CookieJarClient other) {
    if (cookies == null || other.cookies == null) {
      throw new IllegalStateException("copying cookies needs two browser jars");
    }
    for (URI uri : other.cookies.getCookieStore().getURIs()) {
      for (HttpCookie c : other.cookies.getCookieStore().get(uri)) {
        cookies.getCookieStore().add(uri, (HttpCookie) c.clone());
      }
    }
  }

  /** The test application's short hash of an id, as its servlet computes it. */
  public static String hash(String id) {
    return io.github.dysession.it.app.SessionServlet.hash(id);
  }
}
