package io.rollout4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Findings as people and tools read them: text, JSON, and SARIF 2.1.0 for code scanning. */
final class Reports {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  /** The output formats of lint and policy. */
  enum Format {
    TEXT,
    JSON,
    SARIF
  }

  static String render(List<Finding> findings, Format format, String version) {
    return switch (format) {
      case TEXT -> text(findings);
      case JSON -> json(findings);
      case SARIF -> sarif(findings, version);
    };
  }

  /** {@code file:line:column: severity: [resource] path: message (rule)}, then a count. */
  static String text(List<Finding> findings) {
    StringBuilder out = new StringBuilder();
    for (Finding f : findings) {
      out.append(f.location()).append(": ").append(f.severity().lowerCase()).append(": ");
      if (!f.resource().isEmpty()) {
        out.append('[').append(f.resource()).append("] ");
      }
      if (!f.path().isEmpty()) {
        out.append(f.path()).append(": ");
      }
      out.append(f.message()).append(" (").append(f.rule()).append(")\n");
    }
    long errors = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
    long warnings = findings.stream().filter(f -> f.severity() == Finding.Severity.WARNING).count();
    out.append(errors)
        .append(errors == 1 ? " error, " : " errors, ")
        .append(warnings)
        .append(warnings == 1 ? " warning" : " warnings")
        .append('\n');
    return out.toString();
  }

  static String json(List<Finding> findings) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Finding f : findings) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("severity", f.severity().lowerCase());
      m.put("rule", f.rule());
      m.put("file", f.file());
      if (f.line() > 0) {
        m.put("line", f.line());
        m.put("column", f.column());
      }
      m.put("resource", f.resource());
      m.put("path", f.path());
      m.put("message", f.message());
      out.add(m);
    }
    return write(Map.of("findings", out));
  }

  /**
   * SARIF 2.1.0 as GitHub code scanning and other tools read it: one run, a rule per rule id, a
   * result per finding with its physical location (file relative to where the tool ran) and the
   * resource and field as a logical location.
   */
  static String sarif(List<Finding> findings, String version) {
    Map<String, Map<String, Object>> rules = new TreeMap<>();
    for (Finding f : findings) {
      rules.computeIfAbsent(
          f.rule(),
          id -> {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("id", id);
            rule.put("shortDescription", Map.of("text", describe(id)));
            return rule;
          });
    }
    List<String> ruleIds = new ArrayList<>(rules.keySet());
    List<Map<String, Object>> results = new ArrayList<>();
    for (Finding f : findings) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("ruleId", f.rule());
      result.put("ruleIndex", ruleIds.indexOf(f.rule()));
      result.put(
          "level",
          switch (f.severity()) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case NOTE -> "note";
          });
      result.put(
          "message", Map.of("text", (f.path().isEmpty() ? "" : f.path() + ": ") + f.message()));
      Map<String, Object> physical = new LinkedHashMap<>();
      physical.put("artifactLocation", Map.of("uri", f.file().replace('\\', '/')));
      if (f.line() > 0) {
        Map<String, Object> region = new LinkedHashMap<>();
        region.put("startLine", f.line());
        if (f.column() > 0) {
          region.put("startColumn", f.column());
        }
        physical.put("region", region);
      }
      Map<String, Object> location = new LinkedHashMap<>();
      location.put("physicalLocation", physical);
      if (!f.resource().isEmpty()) {
        location.put(
            "logicalLocations",
            List.of(
                Map.of(
                    "fullyQualifiedName",
                    f.resource() + (f.path().isEmpty() ? "" : " " + f.path()),
                    "kind",
                    "resource")));
      }
      result.put("locations", List.of(location));
      results.add(result);
    }
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "rollout4j");
    driver.put("version", version);
    driver.put("informationUri", "https://argo-rollouts.readthedocs.io/");
    driver.put("rules", new ArrayList<>(rules.values()));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", Map.of("driver", driver));
    run.put("results", results);
    Map<String, Object> log = new LinkedHashMap<>();
    log.put("version", "2.1.0");
    log.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    log.put("runs", List.of(run));
    return write(log);
  }

  private static String describe(String rule) {
    return switch (rule) {
      case "manifest" -> "The manifest does not decode or fails Argo Rollouts' validation";
      case "references" -> "An object the rollout refers to is missing or does not fit it";
      case "duplicate" -> "An object is defined more than once";
      case "unsupported" -> "Argo Rollouts runs this, Rollout4j does not";
      case "read" -> "A file could not be read";
      default -> "Policy rule " + rule;
    };
  }

  static String write(Object tree) {
    try {
      return JSON.writeValueAsString(tree) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
