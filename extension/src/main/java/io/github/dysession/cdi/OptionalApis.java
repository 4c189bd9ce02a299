package io.github.dysession.cdi;

import io.github.dysession.config.SettingsSource;
import io.github.dysession.config.TelemetrySwitch;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The parts of the extension that name optional APIs (MicroProfile Config, JSON-B). They live apart
 * from {@link DysessionExtension}, whose methods the CDI implementation inspects, so that a server
 * without those APIs gets {@link io.github.dysession.config.RequiredApis}'s message instead of a
 * {@code NoClassDefFoundError}.
 */
final class OptionalApis {

  private OptionalApis() {}

  /** Returns the application's MicroProfile Config as a settings source. */
  static SettingsSource source() {
    Config config = ConfigProvider.getConfig();
    return key -> config.getOptionalValue(key, String.class);
  }

  /** Creates a JSON-B instance (the caller closes it). */
  static AutoCloseable newJsonb() {
    return JsonbBuilder.create();
  }

  /**
   * Returns Jakarta Security's authentication mechanism, identity store and identity store handler
   * interfaces as the application sees them, or an empty list where Jakarta Security is absent.
   */
  static java.util.List<Class<?>> securityTypes() {
    ClassLoader loader = OptionalApis.class.getClassLoader();
    try {
      return java.util.List.of(
          Class.forName(
              "jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism",
              false,
              loader),
          Class.forName("jakarta.security.enterprise.identitystore.IdentityStore", false, loader),
          Class.forName(
              "jakarta.security.enterprise.identitystore.IdentityStoreHandler", false, loader));
    } catch (ClassNotFoundException | LinkageError e) {
      return java.util.List.of();
    }
  }

  /**
   * Returns why an application that switched MicroProfile Telemetry on ({@code
   * otel.sdk.disabled=false}) gets no dysession metrics through it, or null: the OpenTelemetry API
   * is not visible to the application (Open Liberty shows it only to applications that ask for its
   * third-party APIs).
   */
  static String telemetryProblem() {
    if (!TelemetrySwitch.sdkOn(ConfigProvider.getConfig())) {
      return null;
    }
    try {
      Class.forName(
          "io.opentelemetry.api.OpenTelemetry", false, OptionalApis.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return "otel.sdk.disabled=false, but the OpenTelemetry API is not visible to this"
          + " application, so dysession records no OpenTelemetry metrics (on Open Liberty,"
          + " give the application <classloader apiTypeVisibility=\"+third-party\"/> in"
          + " server.xml)";
    }
  }

  /** Returns {@code jsonb}, made by {@link #newJsonb()}, as what it is. */
  static Jsonb jsonb(AutoCloseable jsonb) {
    return (Jsonb) jsonb;
  }
}
