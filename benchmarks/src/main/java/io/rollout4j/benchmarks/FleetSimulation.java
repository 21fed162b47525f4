package io.rollout4j.benchmarks;

import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.testkit.RolloutHarness;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.Locale;

/**
 * A fleet of N seed rollouts, each in its own namespace with the whole Bookinfo seed (services,
 * deployments, VirtualServices, DestinationRules, AnalysisTemplate, Rollout), all pushed to v2 at
 * once and run through the full canary with background analysis to promotion by the engine on the
 * testkit's fake cluster, in virtual time. Prints one line of key=value figures.
 *
 * <p>Usage: {@code FleetSimulation N}. Run it in a fresh JVM (run.sh does) so heap figures are the
 * fleet's own.
 */
public final class FleetSimulation {
  private FleetSimulation() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args.length > 0 ? args[0] : "1000");
    long baseline = usedAfterGc();
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("skywalking", request -> Seed.healthyApdex());

    long setupStart = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Seed.deploy(harness, namespace(i));
    }
    harness.advance(Duration.ofMinutes(1));
    for (int i = 0; i < n; i++) {
      Seed.pushV2(harness, namespace(i));
    }
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
    resetPeaks();

    int reconcilesBefore = harness.reconciles();
    long start = System.nanoTime();
    harness.advance(Duration.ofMinutes(40));
    double seconds = (System.nanoTime() - start) / 1e9;
    int reconciles = harness.reconciles() - reconcilesBefore;
    long peak = peakHeap();

    int healthy = 0;
    for (int i = 0; i < n; i++) {
      Rollout rollout = harness.rollout(namespace(i), "reviews-rollout");
      if (rollout.status() != null
          && rollout.status().phase() == RolloutPhase.HEALTHY
          && rollout.status().stableRS() != null
          && rollout.status().stableRS().equals(rollout.status().currentPodHash())) {
        healthy++;
      }
    }
    long objects = 0;
    for (String kind :
        new String[] {"Rollout", "ReplicaSet", "AnalysisRun", "Service", "Deployment"}) {
      for (Resource r : harness.cluster().allOfKind(kind)) {
        objects += r == null ? 0 : 1;
      }
    }
    long retained = usedAfterGc() - baseline;
    System.out.printf(
        Locale.ROOT,
        "fleet n=%d promoted=%d setup_s=%.1f canary_wall_s=%.2f reconciles=%d reconciles_per_s=%.0f"
            + " peak_heap_mb=%.0f retained_kb_per_rollout=%.1f objects=%d%n",
        n,
        healthy,
        setupSeconds,
        seconds,
        reconciles,
        reconciles / seconds,
        peak / 1048576.0,
        retained / 1024.0 / n,
        objects);
    if (Boolean.getBoolean("fleet.hold")) {
      // time for jmap -histo:live on this process (used to see what the retained heap is)
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Keep the fleet reachable until after the measurement above.
    if (harness.reconciles() < 0) {
      System.out.println(harness);
    }
  }

  private static String namespace(int i) {
    return "team-" + i;
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
