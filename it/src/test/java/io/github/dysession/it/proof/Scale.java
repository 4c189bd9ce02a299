package io.github.dysession.it.proof;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * How big the proof runs are. The quick defaults run under {@code mvn -B verify}; the {@code
 * reliability} Maven profile (see it/pom.xml and README's "Reliability" section) sets {@code
 * dysession.proof.mode=reliability} and larger numbers, and {@code -Ddysession.proof.<key>=N}
 * overrides any of them.
 */
final class Scale {

  static final String PREFIX = "dysession.proof.";

  private Scale() {}

  /** Whether this is the long run that reports figures into README. */
  static boolean reliability() {
    return "reliability".equals(System.getProperty(PREFIX + "mode"));
  }

  /** The integer {@code dysession.proof.<key>}, or {@code quick} when unset or blank. */
  static int integer(String key, int quick) {
    String value = System.getProperty(PREFIX + key);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      return quick;
    }
    return Integer.parseInt(value.trim());
  }

  static Duration seconds(String key, int quick) {
    return Duration.ofSeconds(integer(key, quick));
  }

  static Duration millis(String key, int quick) {
    return Duration.ofMillis(integer(key, quick));
  }

  /** Every {@code dysession.proof.*} system property, for the report. */
  static Map<String, String> settings() {
    Map<String, String> result = new TreeMap<>();
    System.getProperties()
        .forEach(
            (k, v) -> {
              String key = k.toString();
              if (key.startsWith(PREFIX)
                  && !key.equals(PREFIX + "runId")
                  && !key.equals(PREFIX + "readme")
                  && !v.toString().startsWith("${")) {
                result.put(key.substring(PREFIX.length()), v.toString());
              }
            });
    return result;
  }
}
