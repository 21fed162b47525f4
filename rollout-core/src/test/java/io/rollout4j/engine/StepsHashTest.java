package io.rollout4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code status.currentStepHash} is Argo's (FNV-32a of Go's JSON of its CanaryStep slice), so a
 * canary Argo paused mid-way continues from its step under Rollout4j. Expected values computed with
 * Argo v1.9.3's own ComputeStepHash.
 */
class StepsHashTest {

  private static List<Step> steps(String json) throws Exception {
    List<Step> out = new ArrayList<>();
    for (Object step : new ObjectMapper().readValue(json, List.class)) {
      out.add(Manifests.fromTree(step, Step.class));
    }
    return out;
  }

  @Test
  void argosIstioExampleSteps() throws Exception {
    assertThat(CanarySteps.stepsHash(steps("[{\"setWeight\":10},{\"pause\":{}}]")))
        .isEqualTo("849b756fd4");
  }

  @Test
  void noStepsIsArgosNilSlice() {
    assertThat(CanarySteps.stepsHash(List.of())).isEqualTo("5ffbfbbd64");
  }

  @Test
  void everyKindOfStepInGoFieldOrder() throws Exception {
    String json =
        """
        [{"setWeight":20},{"pause":{"duration":"10s"}},{"setWeight":40},
         {"pause":{"duration":10}},{"setCanaryScale":{"replicas":2}},
         {"analysis":{"templates":[{"templateName":"a"}],"args":[{"name":"svc","value":"x<y"},
           {"name":"h","valueFrom":{"podTemplateHashValue":"Latest"}}]}},
         {"setHeaderRoute":{"name":"h","match":[{"headerName":"v","headerValue":{"exact":"2"}}]}},
         {"setMirrorRoute":{"name":"m","percentage":50,"match":[{"method":{"exact":"GET"},
           "headers":{"b":{"prefix":"x"},"a":{"regex":".*"}}}]}},
         {"experiment":{"duration":"1m","templates":[{"name":"c","specRef":"canary","replicas":1}],
           "analyses":[{"name":"a","templateName":"t"}]}},
         {"plugin":{"name":"p","config":{"z":1,"a":[true,null]}}}]""";
    assertThat(CanarySteps.stepsHash(steps(json))).isEqualTo("94c69557b");
  }
}
