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

  Browser() {
    this(HttpClient.Redirect.NEVER);
  }

  Browser(HttpClient.Redirect redirects) {
    client = HttpClient.newBuilder()
        .cookieHandler(cookies)
        .followRedirects(redirects)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** Sends a request and returns the response; bodies are short JSON or text. */
  HttpResponse<String> send(String method, URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a request and parses a 200 answer as a JSON object. */
  @SuppressWarnings("unchecked")
  Map<String, Object> json(String method, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = send(method, uri);
    if (response.statusCode() != 200) {
      throw new AssertionError(method + " " + uri + " answered " + response.statusCode() + ": "
          + response.body());
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

  /** Replaces the session cookie with the given value (for the /app path on 127.0.0.1). */
  void setSessionCookie(URI base, String value) {
    cookies.getCookieStore().removeAll();
    HttpCookie cookie = new HttpCookie("DYSESSION", value);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.getCookieStore().add(base, cookie);
  }
}
