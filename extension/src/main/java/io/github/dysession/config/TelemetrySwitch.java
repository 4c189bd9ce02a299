package io.github.dysession.config;

import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * MicroProfile Telemetry's own switch, read the one way dysession reads it: the SDK (and so
 * dysession's OpenTelemetry metrics) is on only where the application configured {@value
 * #SDK_DISABLED}{@code =false}; MicroProfile Telemetry has it off by default.
 */
public final class TelemetrySwitch {

  /** MicroProfile Telemetry's key that switches the OpenTelemetry SDK off (default true). */
  public static final String SDK_DISABLED = "otel.sdk.disabled";

  private TelemetrySwitch() {}

  /** Whether {@code config} switches MicroProfile Telemetry's SDK on. */
  public static boolean sdkOn(Config config) {
    return sdkOn(config.getOptionalValue(SDK_DISABLED, String.class));
  }

  /** Whether the SDK is on, given the value of {@value #SDK_DISABLED} (empty: not set). */
  public static boolean sdkOn(Optional<String> sdkDisabled) {
    return sdkDisabled.map(v -> v.trim().equalsIgnoreCase("false")).orElse(false);
  }
}
