package io.github.dysession.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads raw values of dysession's keys from a {@link SettingsSource}, applies their defaults and
 * collects every problem, so that one {@link InvalidSettingsException} can list them all. The
 * parsers of {@link SettingKeys} are its methods.
 */
final class SettingsReader {
  private final SettingsSource source;
  private final List<String> problems = new ArrayList<>();

  SettingsReader(SettingsSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  boolean isSet(String key) {
    return source.get(key).map(String::trim).filter(v -> !v.isEmpty()).isPresent();
  }

  java.util.Set<String> explicitKeys() {
    java.util.Set<String> set = new java.util.HashSet<>();
    for (String key : SettingKeys.defaults().keySet()) {
      if (isSet(key)) {
        set.add(key);
      }
    }
    return set;
  }

  /**
   * Reads and parses {@code key}, recording a problem (and taking its default) if it is invalid.
   */
  <T> T read(SettingKey<T> key) {
    return key.parse(this);
  }

  String raw(String key) {
    return source
        .get(key)
        .map(String::trim)
        .filter(v -> !v.isEmpty())
        .orElse(SettingKeys.defaults().get(key));
  }

  int problemCount() {
    return problems.size();
  }

  void problem(String key, String value, String text) {
    problems.add(key + "=\"" + printable(value) + "\" " + text);
  }

  void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(problems);
    }
  }

  boolean bool(String key) {
    String v = raw(key);
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (!v.equalsIgnoreCase("false")) {
      problem(key, v, "is not a boolean; use true or false");
    }
    return false;
  }

  String matching(String key, Pattern pattern, String fix) {
    String v = raw(key);
    if (!pattern.matcher(v).matches()) {
      problem(key, v, "is invalid; " + fix);
    }
    return v;
  }

  String optionalMatching(String key, Pattern pattern, String fix) {
    String v = raw(key);
    if (v.isEmpty()) {
      return null;
    }
    return matching(key, pattern, fix);
  }

  String nonBlank(String key, String fix) {
    String v = raw(key);
    if (v.isBlank()) {
      problem(key, v, "is empty; " + fix);
    }
    return v;
  }

  String attributeName(String key) {
    String v = raw(key);
    if (v.isEmpty() || v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
      problem(key, v, "is not a valid DynamoDB key attribute name; use 1 to 255 bytes");
    } else if (v.startsWith(DysessionSettings.RESERVED_ATTRIBUTE_PREFIX)) {
      problem(
          key,
          v,
          "collides with dysession's own attributes (prefix "
              + DysessionSettings.RESERVED_ATTRIBUTE_PREFIX
              + "); choose another name");
    }
    return v;
  }

  void distinct(String keyA, String a, String keyB, String b) {
    if (a.equals(b)) {
      problem(keyB, b, "is the same as " + keyA + "; give the two attributes different names");
    }
  }

  long longInRange(String key, long min, long max, String unit) {
    String v = raw(key);
    long parsed;
    try {
      parsed = Long.parseLong(v);
    } catch (NumberFormatException e) {
      problem(
          key, v, "is not a whole number of " + unit + "; use a number from " + min + " to " + max);
      return Long.parseLong(SettingKeys.defaults().get(key));
    }
    if (parsed < min || parsed > max) {
      problem(key, v, "is out of range; use a number of " + unit + " from " + min + " to " + max);
      return Long.parseLong(SettingKeys.defaults().get(key));
    }
    return parsed;
  }

  /** A whole number in range, or 0 when the key is unset (its default is empty). */
  long optionalLongInRange(String key, long min, long max, String unit) {
    String v = raw(key);
    if (v.isEmpty()) {
      return 0;
    }
    try {
      long parsed = Long.parseLong(v);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
      problem(
          key,
          v,
          "is out of range; use a number of "
              + unit
              + " from "
              + min
              + " to "
              + max
              + ", or leave it unset");
    } catch (NumberFormatException e) {
      problem(
          key,
          v,
          "is not a whole number of "
              + unit
              + "; use a number from "
              + min
              + " to "
              + max
              + ", or leave it unset");
    }
    return 0;
  }

  <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String v = raw(key);
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        names.add(constant.name());
      }
      problem(key, v, "is not one of " + String.join(", ", names) + "; use one of them");
      return Enum.valueOf(type, SettingKeys.defaults().get(key));
    }
  }

  String sameSite(String key) {
    String v = raw(key);
    for (String allowed : new String[] {"Lax", "Strict", "None"}) {
      if (allowed.equalsIgnoreCase(v)) {
        return allowed;
      }
    }
    if (v.equalsIgnoreCase("Unset")) {
      return null;
    }
    problem(key, v, "is not a SameSite value; use Lax, Strict, None, or Unset to send none");
    return "Lax";
  }

  URI endpoint(String key) {
    String v = raw(key);
    if (v.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(v);
      boolean http =
          uri.getScheme() != null
              && (uri.getScheme().equalsIgnoreCase("http")
                  || uri.getScheme().equalsIgnoreCase("https"));
      if (!http) {
        String rest =
            uri.getScheme() != null && uri.getHost() != null
                ? uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                : v;
        problem(
            key,
            v,
            "has no http:// or https:// scheme; write it as http://"
                + rest
                + " or https://"
                + rest);
        return null;
      }
      if (uri.getHost() == null) {
        problem(
            key, v, "has no host; write it as http://HOST:PORT, for example http://127.0.0.1:8000");
        return null;
      }
      if (uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || (uri.getRawPath() != null
              && !uri.getRawPath().isEmpty()
              && !uri.getRawPath().equals("/"))) {
        problem(
            key,
            uri.getScheme()
                + "://"
                + uri.getHost()
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + "/...",
            "has a user, path, query or fragment, which DynamoDB endpoints never have; give only "
                + "scheme, host and port, for example http://127.0.0.1:8000");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      problem(
          key, v, "is not a URI; write it as http://HOST:PORT, for example http://127.0.0.1:8000");
      return null;
    }
  }

  List<String> patterns(String key) {
    String v = raw(key);
    List<String> result = new ArrayList<>();
    for (String part : v.split("[;,]")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.startsWith("!") || p.contains("=") || p.contains(" ")) {
        problem(
            key,
            p,
            "is not a class pattern; use class names, package.* or package.** "
                + "separated by ';' (rejections and limits are dysession's own)");
        continue;
      }
      result.add(p);
    }
    return result;
  }

  private static String printable(String value) {
    StringBuilder sb = new StringBuilder();
    value
        .codePoints()
        .limit(200)
        .forEach(
            cp -> {
              if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\u%04x", cp));
              } else {
                sb.appendCodePoint(cp);
              }
            });
    return value.codePointCount(0, value.length()) > 200 ? sb + "..." : sb.toString();
  }
}
