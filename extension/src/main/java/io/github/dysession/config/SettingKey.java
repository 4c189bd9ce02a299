package io.github.dysession.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * One dysession configuration key, declared once in {@link SettingKeys}: its name, its default (as
 * configuration text; empty where there is none) and how its value is parsed and checked. The
 * environment variable follows from the name as MicroProfile Config maps it.
 *
 * @param <T> the type of the parsed value
 */
public final class SettingKey<T> {

  private final String name;
  private final String defaultValue;
  private final BiFunction<SettingsReader, String, T> parser;

  SettingKey(String name, String defaultValue, BiFunction<SettingsReader, String, T> parser) {
    this.name = Objects.requireNonNull(name, "name");
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /** Returns the key, such as {@code dysession.cache-period}. */
  public String name() {
    return name;
  }

  /** Returns the default value as configuration text; empty where the key has none. */
  public String defaultValue() {
    return defaultValue;
  }

  /**
   * Returns the environment variable that sets this key: every character other than a letter or
   * digit replaced by {@code _}, upper-cased ({@code DYSESSION_CACHE_PERIOD}).
   */
  public String environmentVariable() {
    return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  /** Parses this key's value (or default) from {@code reader}, which records any problem. */
  T parse(SettingsReader reader) {
    return parser.apply(reader, name);
  }

  @Override
  public String toString() {
    return name;
  }
}
