package io.rollout4j.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ControllerMainTest {

  private static CommandLine parse(ControllerMain main, String... args) {
    CommandLine line = new CommandLine(main);
    line.parseArgs(args);
    return line;
  }

  @Test
  void argosFlagsAndDefaults() {
    ControllerMain defaults = new ControllerMain();
    parse(defaults);
    assertThat(defaults.leaderElect).isTrue();
    assertThat(defaults.qps).isEqualTo(40);
    assertThat(defaults.burst).isEqualTo(80);
    assertThat(defaults.rolloutThreads).isEqualTo(10);
    assertThat(defaults.metricsPort).isEqualTo(8090);
    assertThat(defaults.healthzPort).isEqualTo(8080);
    assertThat(defaults.leaseDuration).isEqualTo(Duration.ofSeconds(15));

    ControllerMain set = new ControllerMain();
    parse(
        set,
        "--namespaced",
        "--namespace=shop",
        "--instance-id=team-a",
        "--leader-elect=false",
        "--qps=20",
        "--burst=30",
        "--rollout-threads=2",
        "--metricsport=9100",
        "--healthzPort=9101",
        "--leader-election-lease-duration=1m30s",
        "--loglevel=debug",
        "--logformat=json");
    assertThat(set.namespaced).isTrue();
    assertThat(set.namespace).isEqualTo("shop");
    assertThat(set.instanceId).isEqualTo("team-a");
    assertThat(set.leaderElect).isFalse();
    assertThat(set.metricsPort).isEqualTo(9100);
    assertThat(set.leaseDuration).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void badFlagsSayWhatIsExpected() {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new ControllerMain())
            .setErr(new PrintWriter(err))
            .execute("--leader-election-lease-duration=fifteen");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("expected a Go duration such as 15s or 1m30s");
    assertThatThrownBy(() -> Logging.configure("loud", "text"))
        .hasMessageContaining("--loglevel: expected debug, info, warn or error, found 'loud'");
    assertThatThrownBy(() -> Logging.configure("info", "xml"))
        .hasMessageContaining("--logformat: expected text or json, found 'xml'");
  }

  @Test
  void jsonLogLinesAreOneEscapedObjectEach() {
    LoggingEvent event = new LoggingEvent();
    event.setLevel(Level.WARN);
    event.setLoggerName("io.rollout4j.k8s.RolloutController");
    event.setMessage("reconcile failed: \"quoted\"\nsecond line\t\u0001");
    event.setTimeStamp(0);
    event.setMDCPropertyMap(java.util.Map.of("rollout", "shop/checkout"));
    String line = new Logging.JsonLayout().doLayout(event);
    assertThat(line)
        .isEqualTo(
            "{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"warn\","
                + "\"logger\":\"io.rollout4j.k8s.RolloutController\","
                + "\"msg\":\"reconcile failed: \\\"quoted\\\"\\nsecond line\\t\\u0001\","
                + "\"rollout\":\"shop/checkout\"}\n");
  }
}
