package io.rollout4j.api;

/** Eager argument checks; messages match the validator's. */
final class Checks {
  private Checks() {}

  static String notBlank(String value, String path) {
    if (value.isBlank()) {
      throw InvalidSpecException.of(path, "Required value");
    }
    return value;
  }

  /**
   * A condition that compiles ({@code {{args.x}}} placeholders allowed), or the compiler's error.
   */
  static String condition(String value, String path) {
    notBlank(value, path);
    String problem = io.rollout4j.manifest.AnalysisValidator.conditionProblem(value);
    if (problem != null) {
      throw InvalidSpecException.of(path, problem);
    }
    return value;
  }

  static int nonNegative(int value, String path) {
    if (value < 0) {
      throw InvalidSpecException.of(path, "must be greater than or equal to 0, found " + value);
    }
    return value;
  }
}
