package io.rollout4j.cli;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.manifest.Problem;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.Metric;
import io.rollout4j.model.Resource;
import io.rollout4j.testkit.RolloutHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The manifests under some paths, as a GitOps tool would apply them: files and folders (recursive,
 * {@code .yaml}, {@code .yml} and {@code .json}, hidden folders skipped) in path order, every
 * document of every file, {@code List}s unwrapped. An object without a namespace goes to the
 * default namespace; an object defined twice is taken from its last definition and reported.
 */
final class ManifestSet {
  private static final Set<String> EXTENSIONS = Set.of(".yaml", ".yml", ".json");
  private static final Set<String> CLUSTER_SCOPED =
      Set.of(ClusterAnalysisTemplate.KIND, "Namespace", "CustomResourceDefinition", "ClusterRole");

  /** One file: its text, what the reader found in it and where its fields are. */
  record Source(String file, String text, Manifests.Checked checked, SourceMap map) {}

  /** One object and where it was defined. */
  record Item(Resource resource, String namespace, Source source, Manifests.Placed placed) {
    String key() {
      return resource.kind() + " " + (namespace.isEmpty() ? "" : namespace + "/") + resource.name();
    }

    /** The metrics of an AnalysisTemplate, ClusterAnalysisTemplate or AnalysisRun; else none. */
    List<Metric> metrics() {
      if (resource instanceof AnalysisTemplate t) {
        return t.spec().metrics();
      }
      if (resource instanceof ClusterAnalysisTemplate t) {
        return t.spec().metrics();
      }
      if (resource instanceof AnalysisRun r) {
        return r.spec().metrics();
      }
      return List.of();
    }

    /** The position of a field of this object in its file. */
    SourceMap.@Nullable Position position(String path) {
      return source.map().find(placed.document(), placed.inDocument(path));
    }
  }

  private final String defaultNamespace;
  private final List<Source> sources = new ArrayList<>();
  private final Map<String, Item> objects = new LinkedHashMap<>();
  private final List<Finding> findings = new ArrayList<>();

  private ManifestSet(String defaultNamespace) {
    this.defaultNamespace = defaultNamespace;
  }

  /**
   * Reads every manifest under {@code paths}.
   *
   * @throws IllegalArgumentException when a path does not exist or holds no manifest
   */
  static ManifestSet load(List<Path> paths, String defaultNamespace) {
    ManifestSet set = new ManifestSet(defaultNamespace);
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (!Files.exists(path)) {
        throw new IllegalArgumentException(path + ": no such file or folder");
      }
      files.addAll(filesUnder(path));
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "no manifest (.yaml, .yml, .json) under " + paths.stream().map(Path::toString).toList());
    }
    for (Path file : files) {
      set.read(file);
    }
    return set;
  }

  private static List<Path> filesUnder(Path path) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    try (Stream<Path> walk = Files.walk(path)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !hidden(path.relativize(p)))
          .filter(p -> EXTENSIONS.stream().anyMatch(e -> lowerName(p).endsWith(e)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String lowerName(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT);
  }

  private void read(Path file) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR, "read", name, 0, 0, "", "", "not UTF-8 text: skipped"));
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Manifests.Checked checked = Manifests.check(text);
    Source source = new Source(name, text, checked, SourceMap.of(text));
    sources.add(source);
    for (Manifests.Placed placed : checked.resources()) {
      Resource resource = placed.resource();
      if (resource.name() == null) {
        continue; // tool configuration such as a Kustomization: never applied to a cluster
      }
      String namespace =
          CLUSTER_SCOPED.contains(resource.kind())
              ? ""
              : resource.namespace() == null ? defaultNamespace : resource.namespace();
      Item item = new Item(resource, namespace, source, placed);
      Item earlier = objects.remove(item.key());
      if (earlier != null) {
        SourceMap.Position at = item.position("");
        SourceMap.Position before = earlier.position("");
        findings.add(
            new Finding(
                Finding.Severity.WARNING,
                "duplicate",
                name,
                at == null ? 0 : at.line(),
                at == null ? 0 : at.column(),
                item.key(),
                "",
                "also defined at "
                    + earlier.source().file()
                    + (before == null ? "" : ":" + before.line())
                    + "; applied in path order, this later definition replaces it"));
      }
      objects.put(item.key(), item);
    }
  }

  /** Applies every object to the harness's fake cluster, each in its namespace, as GitOps would. */
  void applyTo(RolloutHarness harness) {
    for (Item item : objects.values()) {
      harness.apply(
          item.namespace().isEmpty() ? defaultNamespace : item.namespace(),
          Manifests.toYaml(item.resource()));
    }
  }

  List<Source> sources() {
    return sources;
  }

  /** Every object once, its last definition, in the order first defined. */
  List<Item> items() {
    return List.copyOf(objects.values());
  }

  /** Problems of reading: unreadable files, objects defined twice. */
  List<Finding> findings() {
    return findings;
  }

  /** A finding for a problem the manifest reader found in a source. */
  Finding finding(Source source, Problem problem) {
    SourceMap.Position at =
        problem.document() < 0 ? null : source.map().find(problem.document(), problem.path());
    return new Finding(
        problem.isError() ? Finding.Severity.ERROR : Finding.Severity.WARNING,
        "manifest",
        source.file(),
        at == null ? 0 : at.line(),
        at == null ? 0 : at.column(),
        resourceAt(source, problem.document(), problem.path()),
        problem.path(),
        problem.message());
  }

  /** A finding about a field of an object. */
  static Finding finding(
      Item item, Finding.Severity severity, String rule, String path, String message) {
    SourceMap.Position at = item.position(path);
    return new Finding(
        severity,
        rule,
        item.source().file(),
        at == null ? 0 : at.line(),
        at == null ? 0 : at.column(),
        item.key(),
        path,
        message);
  }

  private String resourceAt(Source source, int document, String path) {
    for (Manifests.Placed placed : source.checked().resources()) {
      if (placed.document() == document
          && (placed.path().isEmpty()
              || path.equals(placed.path())
              || path.startsWith(placed.path() + "."))) {
        Resource r = placed.resource();
        String namespace =
            CLUSTER_SCOPED.contains(r.kind())
                ? ""
                : (r.namespace() == null ? defaultNamespace : r.namespace()) + "/";
        return r.kind() + " " + namespace + r.name();
      }
    }
    return "";
  }
}
