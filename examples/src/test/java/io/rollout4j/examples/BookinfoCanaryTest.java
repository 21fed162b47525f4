package io.rollout4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's example command, both ways: what it prints is what a user sees. */
class BookinfoCanaryTest {

  private static String run(String... extra) throws Exception {
    String shared = System.getProperty("rollout4j.shared.dir", "../../shared");
    String[] args = new String[extra.length + 2];
    args[0] = "--shared";
    args[1] = shared;
    System.arraycopy(extra, 0, args, 2, extra.length);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      BookinfoCanary.main(args);
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theHealthyCanaryIsPromotedAfterEveryStep() throws Exception {
    String out = run();

    assertThat(out)
        .contains(" 90/10 ", " 80/20 ", " 60/40 ", " 40/60 ", " 20/80 ", "  0/100 ")
        .contains("5 measured, last successful; run successful")
        .containsPattern(
            "Outcome: HEALTHY at \\+30:\\d\\d of virtual time: \\w+ promoted to stable");
  }

  @Test
  void aBadApdexAbortsAndTrafficGoesBack() throws Exception {
    String out = run("--abort");

    assertThat(out)
        .contains("4 measured, last failed; run failed")
        .containsPattern(
            "Outcome: DEGRADED at \\+25:\\d\\d of virtual time: aborted, all traffic back")
        .contains("failed (4) > failureLimit (3)");
  }
}
