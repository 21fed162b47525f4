package io.rollout4j.api;

import io.rollout4j.manifest.Problem;
import java.util.List;
import java.util.stream.Collectors;

/** A builder was asked to build something Argo would reject; {@link #problems()} says what. */
public final class InvalidSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // an immutable List.copyOf of records
  private final List<Problem> problems;

  public InvalidSpecException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  static InvalidSpecException of(String path, String message) {
    return new InvalidSpecException(List.of(Problem.error(path, message)));
  }

  public List<Problem> problems() {
    return problems;
  }
}
