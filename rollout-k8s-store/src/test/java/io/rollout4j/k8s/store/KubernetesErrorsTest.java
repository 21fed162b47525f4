package io.rollout4j.k8s.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rollout4j.port.ConflictException;
import io.rollout4j.port.PortException;
import io.rollout4j.port.UnavailableException;
import org.junit.jupiter.api.Test;

class KubernetesErrorsTest {

  private static KubernetesClientException failure(int code, String message) {
    Status status = new StatusBuilder().withCode(code).withMessage(message).build();
    return new KubernetesClientException(status);
  }

  @Test
  void aConflictIsAConflictAndCarriesTheServersMessage() {
    PortException e =
        KubernetesErrors.translate(
            "VirtualService shop/reviews", failure(409, "the object has been modified"));
    assertThat(e).isInstanceOf(ConflictException.class);
    assertThat(e).hasMessage("VirtualService shop/reviews: the object has been modified");
  }

  @Test
  void noAnswerThrottlingAndServerErrorsAreWorthRetrying() {
    for (int code : new int[] {0, 429, 500, 503}) {
      assertThat(KubernetesErrors.translate("x", failure(code, "busy")))
          .isInstanceOf(UnavailableException.class);
    }
  }

  @Test
  void otherClientErrorsArePlainPortErrors() {
    PortException e = KubernetesErrors.translate("Service shop/a", failure(403, "forbidden"));
    assertThat(e).isExactlyInstanceOf(PortException.class).hasMessage("Service shop/a: forbidden");
  }

  @Test
  void resourceVersionsCompareAsNumbersAndAnythingElseIsZero() {
    ConfigMap numbered =
        new ConfigMapBuilder().withNewMetadata().withResourceVersion("1042").endMetadata().build();
    ConfigMap opaque =
        new ConfigMapBuilder().withNewMetadata().withResourceVersion("abc").endMetadata().build();
    ConfigMap none = new ConfigMapBuilder().withNewMetadata().endMetadata().build();
    assertThat(KubernetesErrors.resourceVersionOf(numbered)).isEqualTo(1042);
    assertThat(KubernetesErrors.resourceVersionOf(opaque)).isZero();
    assertThat(KubernetesErrors.resourceVersionOf(none)).isZero();
  }
}
