package io.rollout4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rollout4j lint PATH...}. */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    versionProvider = Rollout4jCli.Version.class,
    description = {
      "Validates every Rollout, AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun under the"
          + " paths as Argo Rollouts does, and resolves the references between the files: the"
          + " workloadRef target, Services, VirtualServices and their routes, DestinationRules"
          + " and their subsets, templates and the arguments they need. Typos, Argo quirks and"
          + " what Rollout4j does not run are warnings.",
      "With --policy, the policy's rules are applied too."
    })
final class LintCommand implements Callable<Integer> {
  @Mixin CheckOptions options = new CheckOptions();

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Also apply the rules of this policy file.")
  @Nullable Path policy;

  @Option(
      names = "--missing-references",
      paramLabel = "LEVEL",
      description =
          "How a reference to an object not under the paths counts: error (default), warning"
              + " or ignore (for repositories whose Services or templates live elsewhere).")
  Lint.MissingReferences missingReferences = Lint.MissingReferences.ERROR;

  // picocli injects the spec before it calls the command.
  @SuppressWarnings("NullAway.Init")
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Policy rules = policy == null ? null : Policy.load(policy);
    ManifestSet set = ManifestSet.load(options.paths, options.namespace);
    List<Finding> findings = new ArrayList<>(Lint.run(set, missingReferences));
    if (rules != null) {
      findings.addAll(rules.check(set));
      findings.sort(Finding.ORDER);
    }
    return options.report(findings, spec.commandLine().getOut());
  }
}
