package io.rollout4j.manifest;

import java.util.List;
import java.util.stream.Collectors;

/** A manifest could not be read; {@link #problems()} lists every problem found, with its path. */
public final class ManifestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // an immutable List.copyOf of records
  private final List<Problem> problems;

  public ManifestException(List<Problem> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, errors first in document order, then warnings. */
  public List<Problem> problems() {
    return problems;
  }

  private static String describe(List<Problem> problems) {
    List<Problem> errors = problems.stream().filter(Problem::isError).toList();
    List<Problem> shown = errors.isEmpty() ? problems : errors;
    String head =
        shown.size() == 1
            ? "invalid manifest: "
            : "invalid manifest (" + shown.size() + " problems): ";
    return head + shown.stream().map(Problem::toString).collect(Collectors.joining("; "));
  }
}
