package io.rollout4j.cli;

import io.rollout4j.manifest.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rollout4j policy --policy FILE PATH...}. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    versionProvider = Rollout4jCli.Version.class,
    description = {
      "Applies a policy's rules to every object under the paths: analysis required, the largest"
          + " weight step, a pause before full promotion, failureLimit bounds,"
          + " progressDeadlineAbort, allowed providers, any field. Manifests that do not decode"
          + " are reported as errors; for everything else, use lint."
    })
final class PolicyCommand implements Callable<Integer> {
  @Mixin CheckOptions options = new CheckOptions();

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "The policy file (rules: a list of id, severity, message, require, ...).")
  @SuppressWarnings("NullAway.Init") // a required option: picocli sets it or refuses the command
  Path policy;

  // picocli injects the spec before it calls the command.
  @SuppressWarnings("NullAway.Init")
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Policy rules = Policy.load(policy);
    ManifestSet set = ManifestSet.load(options.paths, options.namespace);
    List<Finding> findings = new ArrayList<>(set.findings());
    for (ManifestSet.Source source : set.sources()) {
      for (Problem p : source.checked().problems()) {
        if (p.isError()) {
          findings.add(set.finding(source, p));
        }
      }
    }
    findings.addAll(rules.check(set));
    findings.sort(Finding.ORDER);
    return options.report(findings, spec.commandLine().getOut());
  }
}
