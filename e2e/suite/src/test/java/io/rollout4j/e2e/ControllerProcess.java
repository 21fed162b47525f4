package io.rollout4j.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/rollout4j-controller} as a process, as users run it: started with flags, stopped with
 * SIGTERM (graceful) or SIGKILL (a crash), its log kept in {@code target/}.
 */
final class ControllerProcess implements AutoCloseable {
  private static final AtomicInteger STARTED = new AtomicInteger();
  private final Process process;
  final Path log;

  private ControllerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts the controller on the cluster's kubeconfig, watching {@code namespace} only. */
  static ControllerProcess start(String kubeconfig, String namespace, String... extra) {
    Path repo = Path.of("..", "..").toAbsolutePath().normalize();
    List<String> command = new ArrayList<>();
    command.add(repo.resolve("bin/rollout4j-controller").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--namespaced");
    command.add("--namespace=" + namespace);
    command.add("--bind-address=127.0.0.1");
    command.add("--healthzPort=0");
    command.add("--metricsPort=0");
    command.add("--loglevel=info");
    command.addAll(List.of(extra));
    Path log = Path.of("target", "controller-" + STARTED.incrementAndGet() + ".log");
    try {
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new ControllerProcess(process, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no reconcile finished, no lease released. */
  void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
  }

  /** SIGTERM: the controller finishes its reconcile in flight and releases its lease. */
  int stop() {
    process.destroy();
    return waitFor(Duration.ofSeconds(40));
  }

  private int waitFor(Duration deadline) {
    try {
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }
}
