package io.github.dysession.it.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.it.support.InstalledServer;
import io.github.dysession.it.support.OpenLiberty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The session-sharing suite on Payara Micro 6 ("a") and Open Liberty 26 ("b": Weld 5, the features
 * of {@link OpenLiberty#DEFAULT_FEATURES}), both on the test JDK (17) and one dynalite table.
 */
class OpenLibertySessionSharingIT extends AbstractMixedFleetIT {

  /** The settings "b" started with, for a second Liberty in the missing-feature test. */
  private volatile Map<String, String> libertySettings;

  @Override
  InstalledServer startOther(String name, Map<String, String> settings) {
    libertySettings = new LinkedHashMap<>(settings);
    return OpenLiberty.start(name, settings);
  }

  @Override
  String table() {
    return "liberty_sessions";
  }

  @Test
  @Order(50)
  void liberty_deploysTheApplicationWithDysessionsFilterFirst_withoutClassLoadingOrWeldErrors() {
    assertThat(subject().log())
        .contains("CWWKZ0001I")
        .contains("dysession's session filter is registered first for /app")
        .doesNotContain("NoClassDefFoundError")
        .doesNotContain("WELD-001304");
  }

  @Test
  @Order(60)
  void withoutTheMpConfigFeature_deploymentFailsWithOneErrorNamingTheFeature() {
    List<String> features =
        OpenLiberty.DEFAULT_FEATURES.stream()
            // Without appSecurity the login test application is not deployed: one application
            // fails.
            .filter(f -> !f.startsWith("mpConfig") && !f.startsWith("appSecurity"))
            .toList();
    var failure =
        assertThatThrownBy(
            () -> OpenLiberty.start("no-mpconfig", libertySettings, features).close());
    failure.satisfies(
        e ->
            assertThat(e.getMessage().lines().filter(l -> l.contains(" E ")))
                .as("ERROR lines of Liberty's log")
                .hasSize(1));
    failure
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not start the application")
        .hasMessageContaining("CWWKZ0002E")
        .hasMessageContaining(
            "MicroProfile Config (org.eclipse.microprofile.config) is not available"
                + " to the application on Open Liberty. Add <feature>mpConfig-3.1</feature>")
        .hasMessageNotContaining("NoClassDefFoundError");
  }
}
