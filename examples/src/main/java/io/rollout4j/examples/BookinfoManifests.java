package io.rollout4j.examples;

import io.rollout4j.manifest.ManifestException;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.manifest.Problem;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the GitOps folder of the Bookinfo demo (GitOps + Istio + SkyWalking) the way Rollout4j will
 * at run time: every manifest is parsed, linted and validated, and the Rollout is printed back in
 * Argo's format.
 *
 * <p>Usage: {@code BookinfoManifests [folder]}; the default is the demo's folder in the shared
 * conformance corpus beside the checkout.
 */
public final class BookinfoManifests {
  private BookinfoManifests() {}

  public static void main(String[] args) throws IOException {
    Path folder =
        Path.of(args.length > 0 ? args[0] : "../shared/conformance/tse-gitops-demo").normalize();
    if (!Files.isDirectory(folder)) {
      System.err.println("no such folder: " + folder.toAbsolutePath());
      System.exit(2);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    int problems = 0;
    Rollout rollout = null;
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      try {
        List<Resource> resources = Manifests.parse(text);
        System.out.printf("%-70s %d resources%n", folder.relativize(file), resources.size());
        for (Resource r : resources) {
          if (r instanceof Rollout found) {
            rollout = found;
          }
        }
      } catch (ManifestException e) {
        System.out.printf("%-70s rejected%n", folder.relativize(file));
      }
      for (Problem p : Manifests.lint(text)) {
        problems++;
        System.out.println("    " + p);
      }
    }
    if (rollout != null) {
      System.out.println();
      System.out.println("# The demo's Rollout as Rollout4j reads it:");
      System.out.print(Manifests.toYaml(rollout));
    }
    System.out.printf("%n%d files, %d problems%n", files.size(), problems);
  }
}
