package io.rollout4j.model;

import java.util.List;
import java.util.Map;

/** A Kubernetes label selector. */
public record LabelSelector(
    Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {

  public LabelSelector {
    matchLabels = Immutables.map(matchLabels);
    matchExpressions = Immutables.list(matchExpressions);
  }

  public static LabelSelector matchLabels(Map<String, String> labels) {
    return new LabelSelector(labels, List.of());
  }

  public boolean isEmpty() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  /** Whether a set of labels satisfies this selector (Kubernetes semantics). */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }
}
