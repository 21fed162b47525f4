package io.rollout4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Help, version, completion and usage errors, as a shell sees them. */
class CommandLineTest {
  @ParameterizedTest
  @ValueSource(strings = {"lint", "policy", "simulate", "generate-completion"})
  void everyCommandHasHelp(String command) {
    Cli.Run run = Cli.run(command, "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("Usage: rollout4j " + command);
  }

  @Test
  void theTopLevelHelpListsTheCommandsAndExitCodes() {
    Cli.Run run = Cli.run("--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .contains("lint", "policy", "simulate", "generate-completion")
        .contains("Exit codes: 0 success, 1 errors found, 2 simulated rollout aborted");
  }

  @Test
  void versionIsPrinted() {
    Cli.Run run = Cli.run("--version");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("rollout4j ");
  }

  @Test
  void bashCompletionKnowsTheCommandsAndTheirOptions() {
    Cli.Run run = Cli.run("generate-completion");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("complete -F").contains("simulate").contains("--change");
  }

  @Test
  void aCommandLineMistakeExitsWithTheUsageCode() {
    Cli.Run run = Cli.run("simulate", "--duration", "soon", "x");

    assertThat(run.exit()).isEqualTo(64);
    assertThat(run.err()).contains("expected a positive duration such as 90s or 2h, found 'soon'");
  }
}
