package io.github.dysession.it.web;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An HTTP client with its own cookie jar, like one browser: cookies are shared across the ports of
 * 127.0.0.1, so requests to either server instance carry the same session cookie.
 */
final class Browser {

  static final Jsonb JSON = JsonbBuilder.create();

  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient client;

  /** The User-Agent header this browser sends, or null for the HTTP client's own. */
  private final String agent;

  Browser() {
    this(HttpClient.Redirect.NEVER);
  }

  /** A browser that names itself {@code agent} in its User-Agent header. */
  Browser(String agent) {
    this(HttpClient.Redirect.NEVER, agent);
  }

  Browser(HttpClient.Redirect redirects) {
    this(redirects, null);
  }

  private Browser(HttpClient.Redirect redirects, String agent) {
    this.agent = agent;
    client =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(redirects)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Sends a request and returns the response; bodies are short JSON or text. */
  HttpResponse<String> send(String method, URI uri) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (agent != null) {
      request.header("User-Agent", agent);
    }
    return remember(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  /**
   * Posts an HTML form ({@code application/x-www-form-urlencoded}; values are URL-encoded here).
   */
  HttpResponse<String> postForm(URI uri, Map<String, String> fields)
      throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (k, v) ->
            body.append(body.length() == 0 ? "" : "&")
                .append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8))
                .append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    return remember(client.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  /** Returns the names of every cookie any response to this browser set so far. */
  synchronized java.util.Set<String> cookieNamesSet() {
    return new java.util.TreeSet<>(cookieNamesSet);
  }

  private final java.util.Set<String> cookieNamesSet = new java.util.HashSet<>();

  private synchronized HttpResponse<String> remember(HttpResponse<String> response) {
    for (String header : response.headers().allValues("Set-Cookie")) {
      int eq = header.indexOf('=');
      cookieNamesSet.add((eq < 0 ? header : header.substring(0, eq)).trim());
    }
    return response;
  }

  /** Sends a request and parses a 200 answer as a JSON object. */
  @SuppressWarnings("unchecked")
  Map<String, Object> json(String method, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = send(method, uri);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          method + " " + uri + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.fromJson(response.body(), Map.class);
  }

  /** Returns the value of the session cookie, or null. */
  String sessionCookie() {
    List<HttpCookie> all = cookies.getCookieStore().getCookies();
    for (HttpCookie c : all) {
      if (c.getName().equals("DYSESSION")) {
        return c.getValue();
      }
    }
    return null;
  }

  /** Returns the value of the cookie named {@code name} in the jar, or null. */
  String cookieValue(String name) {
    for (HttpCookie c : cookies.getCookieStore().getCookies()) {
      if (c.getName().equals(name)) {
        return c.getValue();
      }
    }
    return null;
  }

  /** Puts a copy of every cookie of {@code other}'s jar into this one. */
  void copyCookiesFrom(Browser other) {
    for (URI uri : other.cookies.getCookieStore().getURIs()) {
      for (HttpCookie c : other.cookies.getCookieStore().get(uri)) {
        cookies.getCookieStore().add(uri, (HttpCookie) c.clone());
      }
    }
  }

  /** Replaces the session cookie with the given value (for the /app path on 127.0.0.1). */
  void setSessionCookie(URI base, String value) {
    cookies.getCookieStore().removeAll();
    HttpCookie cookie = new HttpCookie("DYSESSION", value);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.getCookieStore().add(base, cookie);
  }
}
