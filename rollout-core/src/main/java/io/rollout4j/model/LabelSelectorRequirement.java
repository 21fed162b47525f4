package io.rollout4j.model;

import java.util.List;
import java.util.Map;

/** One {@code matchExpressions} entry: key, operator (In, NotIn, Exists, DoesNotExist), values. */
public record LabelSelectorRequirement(String key, String operator, List<String> values) {

  public LabelSelectorRequirement {
    values = Immutables.list(values);
  }

  boolean matches(Map<String, String> labels) {
    String value = labels.get(key);
    return switch (operator) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> false;
    };
  }
}
