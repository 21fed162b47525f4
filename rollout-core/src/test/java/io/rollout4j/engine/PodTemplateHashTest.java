package io.rollout4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same template has the same hash in every process, whatever the order of its keys. */
class PodTemplateHashTest {

  private static PodTemplateSpec template(boolean reversed, String image) {
    Map<String, Object> container = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    if (reversed) {
      container.put("image", image);
      container.put("name", "app");
      labels.put("tier", "web");
      labels.put("app", "shop");
    } else {
      container.put("name", "app");
      container.put("image", image);
      labels.put("app", "shop");
      labels.put("tier", "web");
    }
    return new PodTemplateSpec(
        ObjectMeta.ofLabels(labels, Map.of()), Map.of("containers", List.of(container)));
  }

  @Test
  void keyOrderDoesNotMatterButContentDoes() {
    assertThat(PodTemplateHash.of(template(false, "shop:1"), null))
        .isEqualTo(PodTemplateHash.of(template(true, "shop:1"), null))
        .isNotEqualTo(PodTemplateHash.of(template(false, "shop:2"), null))
        .isNotEqualTo(PodTemplateHash.of(template(false, "shop:1"), 1));
  }

  @Test
  void theHashIsPinnedSoItNeverChangesBetweenVersions() {
    // If this changes, every rollout in every cluster would start a new revision on upgrade.
    assertThat(PodTemplateHash.of(template(false, "shop:1"), null))
        .isEqualTo(PodTemplateHash.of(template(true, "shop:1"), null));
    assertThat(PodTemplateHash.of(template(false, "shop:1"), null))
        .matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    assertThat(PodTemplateHash.of(template(false, "shop:1"), null)).isEqualTo(PINNED);
  }

  /** Recorded when the algorithm was fixed (FNV-1a over canonical JSON, safe alphabet). */
  private static final String PINNED = "575665ccc5";
}
