package io.github.dysession.it.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MicroProfile Metrics answer in the Prometheus text format (MicroProfile Metrics 3 prefixes the
 * names with the scope, {@code application_}; 5 tags the scope instead): sums of the samples whose
 * name ends with a given name and whose labels include given ones.
 */
final class MetricsText {

  private static final Pattern SAMPLE =
      Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{([^}]*)\\})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"([^\"]*)\"");

  private final String text;

  MetricsText(String text) {
    this.text = text;
  }

  /**
   * The sum of the samples named (ending with) {@code name} whose labels include {@code labels}.
   */
  double sum(String name, Map<String, String> labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line.trim());
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      String sample = m.group(1);
      if (!sample.equals(name) && !sample.endsWith("_" + name)) {
        continue;
      }
      Map<String, String> found = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          found.put(l.group(1), l.group(2));
        }
      }
      if (found.entrySet().containsAll(labels.entrySet())) {
        sum += Double.parseDouble(m.group(3));
      }
    }
    return sum;
  }
}
