package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.ConflictException;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ClusterPort} must meet; an adapter's test extends this class and
 * supplies a fresh, empty port in the namespace {@link #NAMESPACE}. The fake passes it here; the
 * fabric8 adapter passes it on the mock API server.
 */
public abstract class ClusterPortContract {
  protected static final String NAMESPACE = "contract";

  private ClusterPort port;

  /** A port over an empty cluster (namespace {@link #NAMESPACE} may need to exist). */
  protected abstract ClusterPort createPort();

  @BeforeEach
  void freshPort() {
    port = createPort();
  }

  private static Rollout rollout(String name) {
    return Manifests.parseOne(
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: "
            + name
            + ", namespace: "
            + NAMESPACE
            + "}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: x}}\n"
            + "  template:\n    metadata: {labels: {app: x}}\n    spec: {containers: [{name: x, image: x}]}\n"
            + "  strategy: {canary: {steps: [{setWeight: 50}]}}\n",
        Rollout.class);
  }

  private static GenericResource replicaSet(String name, int replicas) {
    return (GenericResource)
        Manifests.parse(
                "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: "
                    + name
                    + ", namespace: "
                    + NAMESPACE
                    + ", labels: {app: x}}\nspec:\n  replicas: "
                    + replicas
                    + "\n  selector: {matchLabels: {app: x}}\n"
                    + "  template:\n    metadata: {labels: {app: x}}\n    spec: {containers: [{name: x, image: x}]}\n")
            .get(0);
  }

  @Test
  void createdObjectsCanBeReadBackWithAVersion() {
    Resource created = port.create(replicaSet("rs-a", 1));

    assertThat(created.metadata().resourceVersion()).isNotBlank();
    assertThat(created.metadata().uid()).isNotBlank();
    assertThat(port.get("ReplicaSet", NAMESPACE, "rs-a")).isPresent();
    assertThat(port.get("ReplicaSet", NAMESPACE, "missing")).isEmpty();
  }

  @Test
  void creatingTwiceConflicts() {
    port.create(replicaSet("rs-a", 1));

    assertThatThrownBy(() -> port.create(replicaSet("rs-a", 1)))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void anUpdateAtAStaleVersionConflictsAndChangesNothing() {
    GenericResource created = (GenericResource) port.create(replicaSet("rs-a", 1));
    GenericResource first = (GenericResource) port.update(withReplicas(created, 2));

    assertThatThrownBy(() -> port.update(withReplicas(created, 3)))
        .isInstanceOf(ConflictException.class);
    GenericResource stored =
        (GenericResource) port.get("ReplicaSet", NAMESPACE, "rs-a").orElseThrow();
    assertThat(stored.path("spec", "replicas")).isEqualTo(2);
    assertThat(stored.metadata().resourceVersion()).isEqualTo(first.metadata().resourceVersion());
  }

  @Test
  void statusIsWrittenOnlyThroughTheStatusSubresource() {
    Rollout created = (Rollout) port.create(rollout("r"));
    RolloutStatus status = RolloutStatus.builder().currentPodHash("abc").stableRS("abc").build();

    Rollout withStatus = port.updateStatus(created.withStatus(status));
    Rollout specOnly =
        (Rollout) port.update(withStatus.withStatus(RolloutStatus.builder().build()));

    assertThat(withStatus.status()).isEqualTo(status);
    assertThat(specOnly.status()).isEqualTo(status);
    assertThat(((Rollout) port.get(Rollout.KIND, NAMESPACE, "r").orElseThrow()).status())
        .isEqualTo(status);
  }

  @Test
  void listingIsScopedToTheNamespaceAndKind() {
    port.create(replicaSet("rs-a", 1));
    port.create(rollout("r"));

    assertThat(port.list("ReplicaSet", NAMESPACE))
        .extracting(Resource::name)
        .containsExactly("rs-a");
    assertThat(port.list("ReplicaSet", "elsewhere")).isEmpty();
  }

  @Test
  void deletedObjectsAreGone() {
    port.create(replicaSet("rs-a", 1));

    port.delete("ReplicaSet", NAMESPACE, "rs-a");

    assertThat(port.get("ReplicaSet", NAMESPACE, "rs-a")).isEmpty();
  }

  @Test
  void evictingAPodThatDoesNotExistFails() {
    assertThatThrownBy(() -> port.evict(NAMESPACE, "no-such-pod"))
        .isInstanceOf(io.rollout4j.port.PortException.class);
  }

  private static GenericResource withReplicas(GenericResource rs, int replicas) {
    Map<String, Object> spec = new java.util.LinkedHashMap<>();
    if (rs.get("spec") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> spec.put(String.valueOf(k), v));
    }
    spec.put("replicas", replicas);
    return rs.withBodyField("spec", spec);
  }
}
