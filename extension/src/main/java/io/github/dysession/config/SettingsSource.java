package io.github.dysession.config;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Supplies the raw string value of a configuration key, or nothing when the key is not set.
 *
 * <p>At deployment the source is MicroProfile Config; the command line builds one from system
 * properties, environment variables and a properties file with {@link #layered}.
 */
@FunctionalInterface
public interface SettingsSource {

  /** Returns the value of {@code key}, or an empty optional when it is not set. */
  Optional<String> get(String key);

  /** Returns a source that reads the given map. */
  static SettingsSource of(Map<String, String> values) {
    return key -> Optional.ofNullable(values.get(key));
  }

  /** Returns a source that reads the given properties. */
  static SettingsSource of(Properties properties) {
    return key -> Optional.ofNullable(properties.getProperty(key));
  }

  /**
   * Returns a source that reads environment variables the way MicroProfile Config maps them: the
   * exact key, then the key with every non-alphanumeric character replaced by {@code _}, then that
   * upper-cased ({@code dysession.cache-period} is also {@code DYSESSION_CACHE_PERIOD}).
   */
  static SettingsSource environment(Function<String, String> env) {
    return key -> {
      String sanitized = key.replaceAll("[^A-Za-z0-9]", "_");
      for (String candidate :
          new String[] {key, sanitized, sanitized.toUpperCase(java.util.Locale.ROOT)}) {
        String value = env.apply(candidate);
        if (value != null) {
          return Optional.of(value);
        }
      }
      return Optional.empty();
    };
  }

  /** Returns a source that asks each of {@code sources} in turn and takes the first value found. */
  static SettingsSource layered(SettingsSource... sources) {
    return key -> {
      for (SettingsSource source : sources) {
        Optional<String> value = source.get(key);
        if (value.isPresent()) {
          return value;
        }
      }
      return Optional.empty();
    };
  }
}
