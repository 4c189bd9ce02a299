package io.github.dysession.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.config.RequiredApis.Api;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequiredApisTest {

  private final ClassLoader testLoader = getClass().getClassLoader();

  /** Sees only the JDK: like an application on a server without the optional features. */
  private static URLClassLoader jdkOnly() {
    return new URLClassLoader(new URL[0], null);
  }

  @Test
  void problem_whenEveryApiAndAJsonbImplementationAreVisible_isNull() {
    assertThat(RequiredApis.missing(testLoader, true)).isEmpty();
    assertThat(RequiredApis.problem(testLoader, true)).isNull();
  }

  @Test
  void missing_whenLoaderSeesOnlyTheJdk_namesEveryApi() throws Exception {
    try (URLClassLoader loader = jdkOnly()) {
      assertThat(RequiredApis.missing(loader, true))
          .containsExactly(Api.CDI, Api.MICROPROFILE_CONFIG, Api.JSON_B);
      assertThat(RequiredApis.missing(loader, false))
          .containsExactly(Api.MICROPROFILE_CONFIG, Api.JSON_B);
    }
  }

  @Test
  void missing_whenJsonbApiIsVisibleButNoImplementation_namesJsonb() throws Exception {
    URL api =
        Class.forName(Api.JSON_B.className(), false, testLoader)
            .getProtectionDomain()
            .getCodeSource()
            .getLocation();
    try (URLClassLoader apiOnly = new URLClassLoader(new URL[] {api}, null)) {
      assertThat(Class.forName(Api.JSON_B.className(), false, apiOnly)).isNotNull();
      assertThat(RequiredApis.missing(apiOnly, false)).contains(Api.JSON_B);
    }
  }

  @Test
  void problem_doesNotChangeTheThreadsContextClassLoader() throws Exception {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader = jdkOnly()) {
      RequiredApis.problem(loader, true);
    }
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
  }

  @Test
  void message_onOpenLiberty_namesTheMissingFeaturesForServerXml() {
    String message = RequiredApis.message(List.of(Api.MICROPROFILE_CONFIG), true);
    assertThat(message)
        .contains("MicroProfile Config (org.eclipse.microprofile.config) is not available")
        .contains("Open Liberty")
        .contains("Add <feature>mpConfig-3.1</feature> to the <featureManager> of server.xml")
        .contains("servlet-6.0, cdi-4.0, jsonb-3.0, mpConfig-3.1")
        .doesNotContain("<feature>jsonb-3.0</feature>");
    assertThat(RequiredApis.message(List.of(Api.MICROPROFILE_CONFIG, Api.JSON_B), true))
        .contains(
            "MicroProfile Config (org.eclipse.microprofile.config) and JSON-B "
                + "(jakarta.json.bind) are not available")
        .contains("Add <feature>mpConfig-3.1</feature> <feature>jsonb-3.0</feature>");
  }

  @Test
  void message_elsewhere_namesTheApisAndHowServersProvideThem() {
    assertThat(RequiredApis.message(List.of(Api.JSON_B), false))
        .startsWith(
            "dysession cannot store this application's sessions: JSON-B "
                + "(jakarta.json.bind) is not available to the application.")
        .contains("Open Liberty: <feature>jsonb-3.0</feature>");
  }

  @Test
  void isOpenLiberty_whenNoLoaderIsLibertys_isFalse() throws Exception {
    assertThat(RequiredApis.isOpenLiberty(testLoader)).isFalse();
    assertThat(RequiredApis.isOpenLiberty(null)).isFalse();
  }
}
