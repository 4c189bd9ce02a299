package io.github.dysession.cdi;

import io.github.dysession.config.SettingsSource;
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

  /** Returns {@code jsonb}, made by {@link #newJsonb()}, as what it is. */
  static Jsonb jsonb(AutoCloseable jsonb) {
    return (Jsonb) jsonb;
  }
}
