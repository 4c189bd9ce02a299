package io.github.dysession.it.bench;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A browser with one session cookie, for the scenario measurements. */
final class SessionClient {

  static final Jsonb JSON = JsonbBuilder.create();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private final String cookieName;
  private String cookie;

  SessionClient(String cookieName) {
    this.cookieName = cookieName;
  }

  /** The session id the client holds, or null. */
  String sessionId() {
    return cookie;
  }

  HttpResponse<String> send(String method, URI uri) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (cookie != null && cookieName != null) {
      request.header("Cookie", cookieName + "=" + cookie);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (cookieName != null) {
      for (String setCookie : response.headers().allValues("set-cookie")) {
        if (setCookie.startsWith(cookieName + "=")) {
          int end = setCookie.indexOf(';');
          String value =
              setCookie.substring(cookieName.length() + 1, end < 0 ? setCookie.length() : end);
          cookie = value.isEmpty() ? null : value;
        }
      }
    }
    return response;
  }

  /** Sends and parses a 200 answer as JSON. */
  @SuppressWarnings("unchecked")
  Map<String, Object> json(String method, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = send(method, uri);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          method + " " + uri + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.fromJson(response.body(), Map.class);
  }
}
