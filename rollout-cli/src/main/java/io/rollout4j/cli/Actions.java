package io.rollout4j.cli;

import io.rollout4j.testkit.RolloutHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What people do during a simulated rollout, at times since the change, with {@code kubectl argo
 * rollouts} semantics: promote, promote-full, abort, retry, pause, resume, restart, undo (with
 * {@code toRevision}).
 *
 * <pre>
 * actions:
 *   - at: 12m
 *     action: promote
 *   - at: 20m
 *     action: undo
 *     toRevision: 1
 * </pre>
 */
final class Actions {
  static final List<String> NAMES =
      List.of("promote", "promote-full", "abort", "retry", "pause", "resume", "restart", "undo");

  /** One action at a time since the change. */
  record Action(Duration at, String name, int toRevision) {
    void perform(RolloutHarness harness, String namespace, String rollout) {
      switch (name) {
        case "promote" -> harness.promote(namespace, rollout);
        case "promote-full" -> harness.promoteFull(namespace, rollout);
        case "abort" -> harness.abort(namespace, rollout);
        case "retry" -> harness.retry(namespace, rollout);
        case "pause" -> harness.pause(namespace, rollout);
        case "resume" -> harness.resume(namespace, rollout);
        case "restart" -> harness.restart(namespace, rollout);
        case "undo" -> harness.undo(namespace, rollout, toRevision);
        default -> throw new IllegalStateException(name);
      }
    }

    String describe() {
      return name + (name.equals("undo") && toRevision > 0 ? " --to-revision " + toRevision : "");
    }
  }

  private final List<Action> actions;

  private Actions(List<Action> actions) {
    this.actions = actions;
  }

  static Actions none() {
    return new Actions(List.of());
  }

  /** In time order; actions at the same time in file order. */
  List<Action> actions() {
    return actions;
  }

  static Actions load(Path file) {
    Map<?, ?> top = YamlFiles.read(file);
    try {
      YamlFiles.onlyKeys(top, Set.of("actions"), "");
      if (!(top.get("actions") instanceof List<?> list)) {
        throw new IllegalArgumentException("actions: expected a list of {at, action}");
      }
      List<Action> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String at = "actions[" + i + "]";
        if (!(list.get(i) instanceof Map<?, ?> map)) {
          throw new IllegalArgumentException(at + ": expected {at, action}");
        }
        YamlFiles.onlyKeys(map, Set.of("at", "action", "toRevision"), at);
        Duration when = YamlFiles.duration(map, "at", at);
        if (when == null) {
          throw new IllegalArgumentException(
              at + ".at: required (a time since the change, e.g. 12m)");
        }
        String name = String.valueOf(map.get("action"));
        if (!NAMES.contains(name)) {
          throw new IllegalArgumentException(
              at + ".action: expected one of " + NAMES + ", found \"" + name + "\"");
        }
        int toRevision = 0;
        if (map.get("toRevision") != null) {
          if (!name.equals("undo") || !(map.get("toRevision") instanceof Integer n) || n < 0) {
            throw new IllegalArgumentException(
                at + ".toRevision: a revision number (0 or more), for undo only");
          }
          toRevision = n;
        }
        out.add(new Action(when, name, toRevision));
      }
      out.sort(Comparator.comparing(Action::at));
      return new Actions(List.copyOf(out));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
