package io.rollout4j.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.rollout4j.model.Resource;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random damage to valid manifests (wrong types, missing fields, truncated text, deep nesting, huge
 * numbers, binary junk) never makes the reader throw anything but {@link ManifestException}, never
 * overflows the stack and never hangs (each call is cut off after a generous time; a hang guard,
 * not a performance claim).
 */
class ManifestFuzzProperties {

  private static final List<String> SOURCES =
      List.of(
          SeedManifestsTest.ROLLOUT,
          SeedManifestsTest.ANALYSIS,
          "tse-gitops-demo/argo/tse/conf.yaml",
          "argo-rollouts-examples/examples/rollout-bluegreen.yaml",
          "argo-rollouts-examples/examples/istio/istio-subset-split.yaml",
          "argo-rollouts-examples/test/e2e/functional/analysis-run-job.yaml",
          "argo-rollouts-examples/examples/rollout-secret.yaml");

  private static final List<String> TEXTS = SOURCES.stream().map(SharedFiles::read).toList();

  private static final String JUNK =
      ":-[]{}#&*!|>'\"%@`?,\t\n\r\u0000\u0085\u2028\uFEFF\uD800日🚀\\ ";

  @Property(tries = 400)
  void damagedTextOnlyEverFailsWithManifestException(
      @ForAll @IntRange(min = 0, max = 6) int source, @ForAll long seed) {
    Random random = new Random(seed);
    String text = TEXTS.get(source);
    int mutations = 1 + random.nextInt(4);
    for (int i = 0; i < mutations; i++) {
      text = mutateText(text, random);
    }
    assertOnlyManifestException(text);
    bothOutcomesSeen();
  }

  @Property(tries = 400)
  void damagedTreesOnlyEverFailWithManifestException(
      @ForAll @IntRange(min = 0, max = 6) int source, @ForAll long seed) {
    Random random = new Random(seed);
    List<Resource> resources = Manifests.parse(TEXTS.get(source));
    Resource resource = resources.get(random.nextInt(resources.size()));
    Object tree = mutableCopy(Manifests.toMap(resource));
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      tree = mutateTree(tree, random, 0);
    }
    Object damaged = tree;
    assertOnlyManifestException(Trees.writeYaml(damaged));
    assertOnlyManifestException(Trees.writeJson(damaged));
    bothOutcomesSeen();
  }

  @Property(tries = 200)
  void binaryJunkOnlyEverFailsWithManifestException(@ForAll byte[] bytes) {
    assertOnlyManifestException(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
    assertOnlyManifestException(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
  }

  private static void assertOnlyManifestException(String text) {
    String outcome =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> {
              String result;
              try {
                List<Resource> parsed = Manifests.parse(text);
                assertThat(parsed).doesNotContainNull();
                result = "parsed";
              } catch (ManifestException e) {
                assertThat(e.problems()).isNotEmpty();
                assertThat(e.problems()).allSatisfy(p -> assertThat(p.message()).isNotBlank());
                result = "rejected";
              }
              assertThat(Manifests.lint(text)).doesNotContainNull();
              return result;
            });
    Statistics.collect(outcome);
  }

  private static void bothOutcomesSeen() {
    Statistics.coverage(
        checker -> {
          checker.check("parsed").percentage(p -> p > 2);
          checker.check("rejected").percentage(p -> p > 10);
        });
  }

  private static String mutateText(String text, Random random) {
    if (text.isEmpty()) {
      return junk(random);
    }
    int at = random.nextInt(text.length());
    return switch (random.nextInt(6)) {
      case 0 -> text.substring(0, at);
      case 1 -> text.substring(0, at) + junk(random) + text.substring(at);
      case 2 ->
          text.substring(0, at)
              + text.substring(Math.min(text.length(), at + 1 + random.nextInt(40)));
      case 3 ->
          text.substring(0, at)
              + JUNK.charAt(random.nextInt(JUNK.length()))
              + text.substring(at + 1);
      case 4 -> {
        String[] lines = text.split("\n", -1);
        int line = random.nextInt(lines.length);
        List<String> copy = new ArrayList<>(List.of(lines));
        copy.add(line, lines[line]);
        yield String.join("\n", copy);
      }
      default -> text.substring(0, at) + "[".repeat(random.nextInt(300)) + text.substring(at);
    };
  }

  private static String junk(Random random) {
    StringBuilder out = new StringBuilder();
    int length = 1 + random.nextInt(20);
    for (int i = 0; i < length; i++) {
      out.append(JUNK.charAt(random.nextInt(JUNK.length())));
    }
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static Object mutateTree(Object node, Random random, int depth) {
    boolean descend = random.nextInt(4) != 0 && depth < 20;
    if (descend && node instanceof Map<?, ?> map && !map.isEmpty()) {
      Map<String, Object> m = (Map<String, Object>) map;
      List<String> keys = new ArrayList<>(m.keySet());
      String key = keys.get(random.nextInt(keys.size()));
      if (random.nextInt(8) == 0) {
        m.remove(key);
      } else {
        m.put(key, mutateTree(m.get(key), random, depth + 1));
      }
      return m;
    }
    if (descend && node instanceof List<?> list && !list.isEmpty()) {
      List<Object> l = (List<Object>) list;
      int index = random.nextInt(l.size());
      l.set(index, mutateTree(l.get(index), random, depth + 1));
      return l;
    }
    return junkValue(random);
  }

  private static Object junkValue(Random random) {
    return switch (random.nextInt(11)) {
      case 0 -> junk(new Random(random.nextLong()));
      case 1 -> BigInteger.TEN.pow(10 + random.nextInt(60));
      case 2 -> -random.nextInt(1000);
      case 3 -> random.nextDouble() * 1e6;
      case 4 -> random.nextBoolean();
      case 5 -> new ArrayList<>(List.of(junk(random), 1, Map.of()));
      case 6 -> new LinkedHashMap<>(Map.of("unexpected", junk(random)));
      case 7 -> deep(50 + random.nextInt(150));
      case 8 -> Long.MAX_VALUE;
      case 9 -> "";
      default -> new LinkedHashMap<>();
    };
  }

  private static Object deep(int depth) {
    Object value = "bottom";
    for (int i = 0; i < depth; i++) {
      value = new ArrayList<>(List.of(value));
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Object mutableCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, v == null ? null : mutableCopy(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      for (Object item : list) {
        copy.add(item == null ? null : mutableCopy(item));
      }
      return copy;
    }
    return value;
  }
}
