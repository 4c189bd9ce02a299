package io.github.dysession.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

class TelemetrySwitchTest {

  @Test
  void theSdkIsOn_onlyWhenOtelSdkDisabledIsFalse() {
    assertThat(TelemetrySwitch.sdkOn(Optional.empty())).isFalse();
    assertThat(TelemetrySwitch.sdkOn(Optional.of("true"))).isFalse();
    assertThat(TelemetrySwitch.sdkOn(Optional.of("no"))).isFalse();
    assertThat(TelemetrySwitch.sdkOn(Optional.of("false"))).isTrue();
    assertThat(TelemetrySwitch.sdkOn(Optional.of(" FALSE "))).isTrue();
  }

  @Test
  void readsTheKeyFromTheApplicationsConfig() {
    assertThat(TelemetrySwitch.sdkOn(config(Map.of()))).isFalse();
    assertThat(TelemetrySwitch.sdkOn(config(Map.of("otel.sdk.disabled", "true")))).isFalse();
    assertThat(TelemetrySwitch.sdkOn(config(Map.of("otel.sdk.disabled", "false")))).isTrue();
  }

  private static Config config(Map<String, String> values) {
    return new SmallRyeConfigBuilder()
        .withSources(new PropertiesConfigSource(values, "test", 500))
        .build();
  }
}
