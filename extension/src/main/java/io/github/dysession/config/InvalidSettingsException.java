package io.github.dysession.config;

import java.util.List;

/**
 * Thrown when one or more dysession configuration values are invalid; the message lists them all.
 */
public final class InvalidSettingsException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** Creates the exception for the given problems, each naming key, value and fix. */
  public InvalidSettingsException(List<String> problems) {
    super(
        "Invalid dysession configuration ("
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + "):\n  - "
            + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Returns the individual problems, each naming the key, the bad value and the fix. */
  public List<String> problems() {
    return problems;
  }
}
