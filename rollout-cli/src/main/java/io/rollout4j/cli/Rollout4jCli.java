package io.rollout4j.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rollout4j}: checks a GitOps repository's rollouts before they reach a cluster.
 *
 * <p>Exit codes: 0 success (lint clean, rollout promoted), 1 errors found or input unusable, 2 the
 * simulated rollout was aborted, 3 it ended paused or stuck, 64 a command-line mistake.
 */
@Command(
    name = "rollout4j",
    mixinStandardHelpOptions = true,
    versionProvider = Rollout4jCli.Version.class,
    description =
        "Lint, apply policy to and simulate Argo Rollouts manifests, before a cluster does.",
    subcommands = {
      LintCommand.class,
      PolicyCommand.class,
      SimulateCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 errors found, 2 simulated rollout aborted, 3 paused or stuck,"
          + " 64 usage."
    })
public final class Rollout4jCli implements Runnable {
  static final int ERRORS = 1;
  static final int USAGE = 64;

  // picocli injects the spec before it calls the command.
  @SuppressWarnings("NullAway.Init")
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private Rollout4jCli() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its subcommands and exit codes, as {@code main} runs it. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Rollout4jCli());
    cli.getCommandSpec().exitCodeOnInvalidInput(USAGE);
    cli.getSubcommands().values().forEach(c -> c.getCommandSpec().exitCodeOnInvalidInput(USAGE));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Bad input (a missing file, a policy with a typo) is the user's to fix: its message,
          // not a stack trace.
          if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
            PrintWriter err = commandLine.getErr();
            err.println("rollout4j " + commandLine.getCommandName() + ": " + e.getMessage());
            err.flush();
            return ERRORS;
          }
          throw e;
        });
    CommandLine completion = cli.getSubcommands().get("generate-completion");
    if (completion != null) {
      completion.getCommandSpec().usageMessage().hidden(false);
    }
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: lint, policy or simulate");
  }

  /** The version from the jar's manifest, as the build stamps it. */
  static String version() {
    String version = Rollout4jCli.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"rollout4j " + version()};
    }
  }
}
