package io.rollout4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rollout4j simulate PATH... --rollout NAME --change image=...}. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    versionProvider = Rollout4jCli.Version.class,
    description = {
      "Runs a rollout change in virtual time on Rollout4j's engine and fake cluster: the manifests"
          + " under the paths applied as GitOps would, the rollout brought to Healthy, then the"
          + " change, with metrics answered from --metrics and actions from --actions. Prints the"
          + " timeline: time, step, weights, pods per revision, analysis, phase, message.",
      "Exit code: 0 promoted, 1 invalid input, 2 aborted, 3 paused or stuck at the end."
    })
final class SimulateCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Manifest files or folders.")
  List<Path> paths = List.of();

  @Option(
      names = {"-r", "--rollout"},
      paramLabel = "NAME",
      description =
          "The rollout to simulate (NAME or NAMESPACE/NAME); needed when there are several.")
  @Nullable String rollout;

  @Option(
      names = {"-c", "--change"},
      paramLabel = "CHANGE",
      description =
          "What the commit changes: image=IMAGE (the only container), image.CONTAINER=IMAGE,"
              + " replicas=N, or file=PATH (manifests applied as the change). Repeatable; none"
              + " simulates the first deployment.")
  List<String> changes = new ArrayList<>();

  @Option(
      names = {"-m", "--metrics"},
      paramLabel = "FILE",
      description = "Answers for each metric (value, skywalking, sequence or error, by time).")
  @Nullable Path metrics;

  @Option(
      names = {"-a", "--actions"},
      paramLabel = "FILE",
      description = "Actions at times since the change (promote, abort, retry, pause, ...).")
  @Nullable Path actions;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description = "The most virtual time to run after the change (default: ${DEFAULT-VALUE}).")
  Duration duration = Duration.ofHours(2);

  @Option(
      names = "--pods-ready-after",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description = "How long a new pod takes to become available (default: ${DEFAULT-VALUE}).")
  Duration podsReadyAfter = Duration.ofSeconds(10);

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "The namespace of objects that name none (default: ${DEFAULT-VALUE}).")
  String namespace = "default";

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "text (default) or json.")
  Format format = Format.TEXT;

  @Option(names = "--svg", paramLabel = "FILE", description = "Also draw the timeline to FILE.")
  @Nullable Path svg;

  // picocli injects the spec before it calls the command.
  @SuppressWarnings("NullAway.Init")
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  enum Format {
    TEXT,
    JSON
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Answers answers = metrics == null ? Answers.none() : Answers.load(metrics);
    Actions scheduled = actions == null ? Actions.none() : Actions.load(actions);
    ManifestSet set = ManifestSet.load(paths, namespace);
    List<Finding> errors =
        Lint.run(set, Lint.MissingReferences.ERROR).stream()
            .filter(f -> f.severity() == Finding.Severity.ERROR)
            .toList();
    if (!errors.isEmpty()) {
      err.print(Reports.text(errors));
      err.println("rollout4j simulate: the manifests have errors; nothing was simulated");
      err.flush();
      return Rollout4jCli.ERRORS;
    }
    Simulation.Options options =
        new Simulation.Options(rollout, changes, answers, scheduled, duration, podsReadyAfter);
    Timeline timeline = Simulation.run(set, options, err);
    out.print(format == Format.JSON ? timeline.json() : timeline.text());
    out.flush();
    if (svg != null) {
      try {
        Files.writeString(svg, SvgChart.draw(timeline), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(svg + ": cannot write: " + e.getMessage(), e);
      }
    }
    return timeline.outcome.exitCode;
  }

  /** Go duration strings ({@code 90s}, {@code 2h}), as manifests write them. */
  static final class GoDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return io.rollout4j.model.DurationStrings.parseGo(value)
          .filter(d -> !d.isNegative() && !d.isZero())
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "expected a positive duration such as 90s or 2h, found '" + value + "'"));
    }
  }
}
