package io.rollout4j.manifest;

/**
 * Something wrong with a manifest: where ({@code path}, relative to the document, e.g. {@code
 * spec.strategy.canary.steps[2].setWeight}) and what ({@code message}: what was expected and what
 * was found). {@code document} is the zero-based index of the document in a multi-document stream,
 * or -1 when the problem is not tied to a document.
 */
public record Problem(int document, String path, String message, Severity severity) {

  /** Errors make a manifest unusable; warnings (unknown fields, Argo quirks) do not. */
  public enum Severity {
    ERROR,
    WARNING
  }

  public static Problem error(String path, String message) {
    return new Problem(-1, path, message, Severity.ERROR);
  }

  public static Problem warning(String path, String message) {
    return new Problem(-1, path, message, Severity.WARNING);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  Problem inDocument(int index) {
    return new Problem(index, path, message, severity);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    if (severity == Severity.WARNING) {
      out.append("warning: ");
    }
    if (document >= 0) {
      out.append("document ").append(document).append(": ");
    }
    if (!path.isEmpty()) {
      out.append(path).append(": ");
    }
    return out.append(message).toString();
  }
}
