package io.rollout4j.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input gets problems that name the field, say what was expected and what was found. */
class ManifestErrorsTest {

  private static final String VALID =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata:
        name: demo
      spec:
        replicas: 3
        selector:
          matchLabels: {app: demo}
        template:
          metadata:
            labels: {app: demo}
          spec:
            containers:
            - name: demo
              image: nginx:1.25
        strategy:
          canary:
            steps:
            - setWeight: 20
            - pause: {duration: 30s}
            - setWeight: 60
            - pause: {}
      """;

  private static List<Problem> problemsOf(String yaml) {
    ManifestException e =
        catchThrowableOfType(ManifestException.class, () -> Manifests.parse(yaml));
    assertThat(e).as("expected a ManifestException").isNotNull();
    return e.problems().stream().filter(Problem::isError).toList();
  }

  @Test
  void wrongTypeNamesThePathAndWhatWasFound() {
    List<Problem> problems = problemsOf(VALID.replace("setWeight: 60", "setWeight: sixty"));

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("spec.strategy.canary.steps[2].setWeight");
              assertThat(p.message()).isEqualTo("expected an integer, found string \"sixty\"");
              assertThat(p.document()).isZero();
            });
  }

  @Test
  void quotedNumbersGetAHint() {
    List<Problem> problems = problemsOf(VALID.replace("replicas: 3", "replicas: \"3\""));

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("spec.replicas");
              assertThat(p.message()).contains("found string \"3\"").contains("remove the quotes");
            });
  }

  @Test
  void everyProblemOfADocumentIsReportedNotJustTheFirst() {
    String yaml =
        VALID
            .replace("replicas: 3", "replicas: [3]")
            .replace("setWeight: 20", "setWeight: true")
            .replace("duration: 30s", "duration: {seconds: 30}")
            .replace("name: demo\nspec", "name: 42\nspec");

    List<Problem> problems = problemsOf(yaml);

    assertThat(problems)
        .extracting(Problem::path)
        .containsExactlyInAnyOrder(
            "metadata.name",
            "spec.replicas",
            "spec.strategy.canary.steps[0].setWeight",
            "spec.strategy.canary.steps[1].pause.duration");
  }

  @Test
  void problemsCarryTheirDocumentIndexInAStream() {
    String stream =
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n"
            + VALID.replace("setWeight: 20", "setWeight: 2.5");

    List<Problem> problems = problemsOf(stream);

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.document()).isEqualTo(1);
              assertThat(p.toString())
                  .isEqualTo(
                      "document 1: spec.strategy.canary.steps[0].setWeight: expected an integer, found number 2.5");
            });
  }

  @Test
  void outOfRangeNumbersAreRejectedNotTruncated() {
    List<Problem> problems =
        problemsOf(VALID.replace("replicas: 3", "replicas: 99999999999999999999"));

    assertThat(problems)
        .singleElement()
        .extracting(Problem::message)
        .isEqualTo("expected a 32-bit integer, found 99999999999999999999 (out of range)");
  }

  @Test
  void aStepWithTwoExclusiveKindsUsesArgosMessage() {
    List<Problem> problems =
        problemsOf(VALID.replace("- setWeight: 60", "- setWeight: 60\n        pause: {}"));

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("spec.strategy.canary.steps[2]");
              assertThat(p.message())
                  .startsWith(
                      "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause")
                  .contains("found setWeight, pause");
            });
  }

  @Test
  void aStepMayCombineRoutingActionsWithOneExclusiveKind() {
    Rollout rollout =
        Manifests.parseOne(
            VALID.replace(
                "- pause: {}",
                "- setCanaryScale: {weight: 20}\n        setHeaderRoute: {name: h}\n        pause: {}"),
            Rollout.class);

    Step last = rollout.spec().canary().steps().get(3);
    assertThat(last).isInstanceOf(Step.Combined.class);
    assertThat(((Step.Combined) last).actions())
        .extracting(Step::kind)
        .containsExactly("setCanaryScale", "setHeaderRoute", "pause");
    assertThat(Manifests.parseOne(Manifests.toYaml(rollout), Rollout.class)).isEqualTo(rollout);
  }

  @Test
  void misspeltStepKindIsAnErrorWithASuggestion() {
    List<Problem> all = Manifests.lint(VALID.replace("- setWeight: 60", "- setWieght: 60"));

    assertThat(all)
        .anySatisfy(
            p -> {
              assertThat(p.isError()).isTrue();
              assertThat(p.path()).isEqualTo("spec.strategy.canary.steps[2]");
              assertThat(p.message()).startsWith("Step must have one of the following set");
            })
        .anySatisfy(
            p -> {
              assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
              assertThat(p.path()).isEqualTo("spec.strategy.canary.steps[2].setWieght");
              assertThat(p.message())
                  .isEqualTo("unknown field 'setWieght' (ignored; did you mean 'setWeight'?)");
            });
  }

  @Test
  void unknownFieldsAreWarningsThatLintReportsAndParseTolerates() {
    String yaml = VALID.replace("replicas: 3", "replicas: 3\n  progressDeadlineSecond: 60");

    assertThat(Manifests.parse(yaml)).hasSize(1);
    assertThat(Manifests.lint(yaml))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
              assertThat(p.path()).isEqualTo("spec.progressDeadlineSecond");
              assertThat(p.message()).contains("did you mean 'progressDeadlineSeconds'?");
            });
  }

  @Test
  void lintWarnsThatABareStringMaxSurgeIsAPercentage() {
    String yaml = VALID.replace("canary:\n", "canary:\n      maxSurge: \"1\"\n");

    assertThat(Manifests.lint(yaml))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("spec.strategy.canary.maxSurge");
              assertThat(p.message()).contains("is read as 1%");
            });
  }

  @Test
  void lintReportsValidatorProblemsOfDecodedRollouts() {
    assertThat(Manifests.lint(VALID.replace("setWeight: 60", "setWeight: 160")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.isError()).isTrue();
              assertThat(p.path()).isEqualTo("spec.strategy.canary.steps[2].setWeight");
              assertThat(p.message()).isEqualTo("SetWeight needs to be between 0 and 100");
            });
  }

  @Test
  void yamlSyntaxErrorsSayWhere() {
    List<Problem> problems = problemsOf("apiVersion: v1\nkind: Service\nmetadata: {name: [x\n");

    assertThat(problems)
        .singleElement()
        .extracting(Problem::message)
        .asString()
        .startsWith("invalid YAML")
        .contains("line ");
  }

  @Test
  void duplicateKeysAreRejected() {
    List<Problem> problems =
        problemsOf("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n");

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("metadata.name");
              assertThat(p.message()).isEqualTo("duplicate key 'name'");
            });
  }

  @Test
  void documentsWithoutKindOrApiVersionAreRejected() {
    assertThat(problemsOf("metadata: {name: x}\n"))
        .extracting(Problem::path)
        .containsExactly("apiVersion", "kind");
    assertThat(problemsOf("- just\n- a list\n"))
        .singleElement()
        .extracting(Problem::message)
        .asString()
        .startsWith("expected a Kubernetes object");
  }

  @Test
  void yesOnAndDatesStayStringsAsKubernetesReadsThem() {
    GenericResource config =
        (GenericResource)
            Manifests.parse(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
                        + "data: {a: yes, b: on, c: 2024-01-01, d: 1:30, e: true, f: 010, g: 1.5, h: ~}\n")
                .get(0);

    assertThat(config.path("data", "a")).isEqualTo("yes");
    assertThat(config.path("data", "b")).isEqualTo("on");
    assertThat(config.path("data", "c")).isEqualTo("2024-01-01");
    assertThat(config.path("data", "d")).isEqualTo("1:30");
    assertThat(config.path("data", "e")).isEqualTo(true);
    assertThat(config.path("data", "f")).isEqualTo(10);
    assertThat(config.path("data", "g")).isEqualTo(1.5);
    assertThat(config.path("data", "h")).isNull();
    assertThat(Manifests.toYaml(config)).contains("a: 'yes'", "b: 'on'", "c: '2024-01-01'");
  }

  @Test
  void anchorsAliasesAndMergeKeysAreResolved() {
    List<Resource> resources =
        Manifests.parse(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &common {app: x, tier: web}\n"
                + "data:\n  copy: *common\n  merged:\n    <<: *common\n    tier: db\n");

    GenericResource config = (GenericResource) resources.get(0);
    assertThat(config.metadata().labels()).containsEntry("app", "x");
    assertThat(config.path("data", "copy")).isEqualTo(java.util.Map.of("app", "x", "tier", "web"));
    assertThat(config.path("data", "merged")).isEqualTo(java.util.Map.of("app", "x", "tier", "db"));
  }

  @Test
  void listKindsAreUnwrappedAndJsonIsAccepted() {
    String json =
        "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
            + "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"}},"
            + "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"b\"}}]}";

    assertThat(Manifests.parse(json)).extracting(Resource::name).containsExactly("a", "b");
  }

  @Test
  void listItemProblemsNameTheItem() {
    String list =
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n"
            + "- apiVersion: argoproj.io/v1alpha1\n  kind: Rollout\n  metadata: {name: r}\n  spec: {replicas: x}\n";

    assertThat(problemsOf(list))
        .singleElement()
        .extracting(Problem::path)
        .isEqualTo("items[1].spec.replicas");
  }

  @Test
  void emptyInputAndEmptyDocumentsYieldNothing() {
    assertThat(Manifests.parse("")).isEmpty();
    assertThat(Manifests.parse("---\n---\n")).isEmpty();
  }

  @Test
  void billionLaughsIsStoppedByTheAliasLimit() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 60; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      yaml.append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1))));
      yaml.append("]\n");
    }

    assertThatThrownBy(() -> Manifests.parse(yaml.toString()))
        .isInstanceOf(ManifestException.class);
  }

  @Test
  void deepNestingIsRejectedWithoutAStackOverflow() {
    String deepYaml = "[".repeat(5_000) + "]".repeat(5_000);
    String deepJson = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);

    assertThatThrownBy(() -> Manifests.parse(deepYaml)).isInstanceOf(ManifestException.class);
    assertThatThrownBy(() -> Manifests.parse(deepJson))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("nesting");
  }

  @Test
  void parseOneInsistsOnTheType() {
    assertThatThrownBy(
            () ->
                Manifests.parseOne(
                    "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n", Rollout.class))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("expected exactly one Rollout, found [Service (v1)]");
  }

  @Test
  void aRolloutUnderAnotherArgoVersionIsAnErrorThatSaysWhichVersionIsServed() {
    String yaml =
        "apiVersion: argoproj.io/v1\nkind: Rollout\nmetadata: {name: a}\nspec: {replicas: 1}\n";
    assertThat(Manifests.lint(yaml))
        .extracting(Problem::toString)
        .containsExactly(
            "document 0: apiVersion: expected 'argoproj.io/v1alpha1' for kind Rollout (the only"
                + " version Argo Rollouts serves), found 'argoproj.io/v1'");
    assertThatThrownBy(() -> Manifests.parseOne(yaml, Rollout.class))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("expected 'argoproj.io/v1alpha1' for kind Rollout");
  }

  @Test
  void aMisspelledArgoKindIsAnErrorWithASuggestion() {
    String yaml = "apiVersion: argoproj.io/v1alpha1\nkind: Rolout\nmetadata: {name: a}\n";
    assertThat(Manifests.lint(yaml))
        .extracting(Problem::toString)
        .containsExactly(
            "document 0: kind: unknown kind 'Rolout' in argoproj.io (did you mean 'Rollout'?)");
    // Argo's other projects share the group: their kinds are left alone.
    assertThat(
            Manifests.lint(
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n"))
        .isEmpty();
  }
}
