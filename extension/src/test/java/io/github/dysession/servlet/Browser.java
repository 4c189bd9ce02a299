package io.github.dysession.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A client with a cookie jar, as a browser keeps one: it sends back the cookies the application set
 * and follows no redirect by itself.
 */
final class Browser {

  /** dysession's cookie name by default. */
  static final String COOKIE = "DYSESSION";

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final String userAgent;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .cookieHandler(cookies)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(TIMEOUT)
          .build();

  /** A browser that sends the HTTP client's own User-Agent. */
  Browser() {
    this(null);
  }

  /** A browser that sends {@code userAgent} as its User-Agent header. */
  Browser(String userAgent) {
    this.userAgent = userAgent;
  }

  /** Sends a GET and reads the body as text. */
  HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return client.send(request(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a GET with the given {@code Cookie} header instead of the jar's, and reads the body. */
  HttpResponse<String> getWithCookieHeader(URI uri, String cookieHeader)
      throws IOException, InterruptedException {
    HttpClient bare =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    return bare.send(
        request(uri).header("Cookie", cookieHeader).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a GET and returns as soon as the headers are in; the body is read from the stream. */
  HttpResponse<InputStream> stream(URI uri) throws IOException, InterruptedException {
    return client.send(request(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Returns the session id in the jar, or null. */
  String sessionId() {
    List<HttpCookie> all = cookies.getCookieStore().getCookies();
    return all.stream()
        .filter(c -> c.getName().equals(COOKIE))
        .map(HttpCookie::getValue)
        .findFirst()
        .orElse(null);
  }

  /** Puts a session cookie into the jar, as if the application had set it for {@code uri}. */
  void setSessionId(URI uri, String id) {
    HttpCookie cookie = new HttpCookie(COOKIE, id);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.getCookieStore().add(uri, cookie);
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
    return userAgent == null ? request : request.header("User-Agent", userAgent);
  }

  /** Returns the value of the session cookie a response set, or null when it set none. */
  static String sessionCookieOf(HttpResponse<?> response) {
    for (String header : response.headers().allValues("Set-Cookie")) {
      for (HttpCookie cookie : HttpCookie.parse(header)) {
        if (cookie.getName().equals(COOKIE)) {
          return cookie.getValue();
        }
      }
    }
    return null;
  }
}
