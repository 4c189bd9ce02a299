package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DysessionResponseTest {

  private static final String COOKIE = "DYSESSION=abc; Path=/app; HttpOnly; SameSite=Lax";

  /**
   * The container's response: only headers, which {@code reset()} clears as Undertow does before an
   * error page.
   */
  private final List<String[]> headers = new ArrayList<>();

  private final HttpServletResponse container =
      (HttpServletResponse)
          Proxy.newProxyInstance(
              HttpServletResponse.class.getClassLoader(),
              new Class<?>[] {HttpServletResponse.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "addHeader" ->
                        headers.add(new String[] {(String) args[0], (String) args[1]});
                    case "getHeaders" ->
                        headers.stream()
                            .filter(h -> h[0].equalsIgnoreCase((String) args[0]))
                            .map(h -> h[1])
                            .toList();
                    case "reset" -> {
                      headers.clear();
                      yield null;
                    }
                    case "isCommitted" -> false;
                    default -> throw new UnsupportedOperationException(method.getName());
                  });

  private List<String> setCookies() {
    return container.getHeaders("Set-Cookie").stream().toList();
  }

  @Test
  void restoreSessionCookie_whenTheContainerDroppedTheHeaders_setsItAgainOnce() {
    DysessionResponse failed = new DysessionResponse(container);
    failed.setSessionCookie(COOKIE);
    container.reset();

    DysessionResponse errorPage = new DysessionResponse(container);
    errorPage.restoreSessionCookie(failed.sessionCookie());

    assertThat(setCookies()).containsExactly(COOKIE);
    assertThat(errorPage.sessionCookie()).isEqualTo(COOKIE);
  }

  @Test
  void restoreSessionCookie_whenTheResponseStillHasIt_doesNotRepeatIt() {
    DysessionResponse failed = new DysessionResponse(container);
    failed.setSessionCookie(COOKIE);

    DysessionResponse errorPage = new DysessionResponse(container);
    errorPage.restoreSessionCookie(COOKIE);

    assertThat(setCookies()).containsExactly(COOKIE);
    assertThat(errorPage.sessionCookie()).isEqualTo(COOKIE);
  }

  @Test
  void reset_keepsARestoredSessionCookie() {
    DysessionResponse errorPage = new DysessionResponse(container);
    errorPage.restoreSessionCookie(COOKIE);
    errorPage.reset();

    assertThat(setCookies()).containsExactly(COOKIE);
  }
}
