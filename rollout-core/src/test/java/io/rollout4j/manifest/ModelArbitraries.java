package io.rollout4j.manifest;

import io.rollout4j.model.ArgoEnum;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.Step;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.jspecify.annotations.Nullable;

/**
 * Random instances of any model record, built by reflection over record components, so the
 * round-trip property covers every field without a hand-written generator per type. Values are what
 * a decoder can produce: JSON-like numbers as Integer/Long/Double, strings that stress YAML
 * quoting, nullable components sometimes null.
 */
final class ModelArbitraries {
  private ModelArbitraries() {}

  /** Strings chosen to break naive YAML writers. */
  private static final List<String> TRICKY =
      List.of(
          "",
          " ",
          "yes",
          "no",
          "on",
          "off",
          "true",
          "False",
          "null",
          "~",
          "12",
          "-3",
          "0x1F",
          "0o17",
          "1e3",
          "1.5",
          ".inf",
          "2024-01-01",
          "1:30",
          "a: b",
          "#comment",
          "- item",
          "  leading",
          "trailing  ",
          "line1\nline2",
          "line1\nline2\n",
          "\n",
          "tab\there",
          "quote\"d",
          "it's",
          "{{args.x}}",
          "{{ args.service-name }}",
          "canary|reviews|bookinfo|cluster-1|-",
          "*alias",
          "&anchor",
          "!tag",
          "%directive",
          "@at",
          "`tick",
          "unicodé ✓ 日本",
          "emoji 🚀",
          "cr\rhere",
          "nul\u0000byte",
          "bell\u0007",
          "nel\u0085",
          "ls\u2028",
          "bom\uFEFF",
          "---",
          "...",
          "<<",
          "=",
          "?",
          "25%");

  static Arbitrary<String> strings() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.of(TRICKY)),
        net.jqwik.api.Tuple.of(
            4,
            Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars("-_.:/ #'\"\n\t{}[],&*!|>%@`")
                .ofMaxLength(12)));
  }

  static Arbitrary<Object> jsonValue(int depth) {
    List<Arbitrary<? extends Object>> leaves =
        List.of(
            strings(),
            Arbitraries.integers(),
            Arbitraries.longs().greaterOrEqual(1L + Integer.MAX_VALUE),
            Arbitraries.doubles().between(-1e12, 1e12).ofScale(3),
            Arbitraries.of(true, false));
    Arbitrary<Object> leaf = Arbitraries.oneOf(leaves).map(o -> (Object) o);
    if (depth <= 0) {
      return leaf;
    }
    Arbitrary<Object> list = jsonValue(depth - 1).list().ofMaxSize(3).map(l -> (Object) l);
    Arbitrary<Object> map =
        Arbitraries.maps(strings(), jsonValue(depth - 1)).ofMaxSize(3).map(m -> (Object) m);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, leaf),
        net.jqwik.api.Tuple.of(1, list),
        net.jqwik.api.Tuple.of(1, map));
  }

  /** JSON values that may also be JSON null (inside generic maps and lists). */
  private static Arbitrary<Object> jsonValueOrNull(int depth) {
    return jsonValue(depth).injectNull(0.05);
  }

  static Arbitrary<Map<String, Object>> jsonMap() {
    return Arbitraries.maps(strings(), jsonValueOrNull(2)).ofMaxSize(3);
  }

  @SuppressWarnings("unchecked")
  static <T> Arbitrary<T> of(Class<T> type) {
    return (Arbitrary<T>) forType(type, false);
  }

  /** GenericResources of kinds Rollout4j does not type, with a free-form body. */
  static Arbitrary<GenericResource> genericResources() {
    Arbitrary<String> kinds =
        Arbitraries.of("Deployment", "Service", "VirtualService", "ConfigMap", "Thing");
    Arbitrary<String> versions = Arbitraries.of("v1", "apps/v1", "networking.istio.io/v1beta1");
    Arbitrary<Map<String, Object>> bodies =
        Arbitraries.maps(
                Arbitraries.of("spec", "status", "data", "rules", "stringData"), jsonValueOrNull(3))
            .ofMaxSize(3);
    return Combinators.combine(versions, kinds, of(ObjectMeta.class), bodies)
        .as(GenericResource::new);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Arbitrary<?> forType(Type type, boolean nullable) {
    Arbitrary<?> arbitrary = nonNull(type);
    return nullable ? ((Arbitrary) arbitrary).injectNull(0.3) : arbitrary;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Arbitrary<?> nonNull(Type type) {
    Class<?> raw = Codec.rawClass(type);
    if (raw == String.class) {
      return strings();
    }
    if (raw == Integer.class || raw == int.class) {
      return Arbitraries.integers().between(-5, 200);
    }
    if (raw == Long.class || raw == long.class) {
      return Arbitraries.longs().between(-5, 100_000);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return Arbitraries.of(true, false);
    }
    if (raw == IntOrString.class) {
      return Arbitraries.oneOf(
          Arbitraries.integers().between(0, 100).map(IntOrString::of),
          strings().map(IntOrString::of));
    }
    if (raw == Object.class) {
      return jsonValue(2);
    }
    if (raw == List.class) {
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      return forType(element, false).list().ofMaxSize(3);
    }
    if (raw == Map.class) {
      Type value = ((ParameterizedType) type).getActualTypeArguments()[1];
      if (value == Object.class) {
        return jsonMap();
      }
      return Arbitraries.maps(strings(), (Arbitrary) forType(value, false)).ofMaxSize(3);
    }
    if (raw.isEnum() && ArgoEnum.class.isAssignableFrom(raw)) {
      return Arbitraries.of((Class<Enum>) raw);
    }
    if (raw == Step.class) {
      return steps();
    }
    if (raw == MetricProvider.class) {
      Arbitrary<MetricProvider> other =
          Combinators.combine(Arbitraries.of(OneOf.OTHER_PROVIDERS), jsonValue(2))
              .as(MetricProvider.Other::new);
      return Arbitraries.oneOf(
          of(MetricProvider.SkyWalking.class),
          of(MetricProvider.Prometheus.class),
          of(MetricProvider.Web.class),
          of(MetricProvider.Job.class),
          other);
    }
    if (raw.isSealed()) {
      List<Arbitrary<?>> variants = new ArrayList<>();
      for (Class<?> permitted : raw.getPermittedSubclasses()) {
        variants.add(nonNull(permitted));
      }
      return Arbitraries.oneOf((List) variants);
    }
    if (raw.isRecord()) {
      return record(raw);
    }
    throw new IllegalArgumentException("no arbitrary for " + type);
  }

  private static Arbitrary<Step> steps() {
    List<Arbitrary<? extends Step>> simple = new ArrayList<>();
    for (Class<?> permitted : Step.class.getPermittedSubclasses()) {
      if (permitted != Step.Combined.class) {
        simple.add((Arbitrary<? extends Step>) (Arbitrary<?>) record(permitted));
      }
    }
    Arbitrary<Step> single = Arbitraries.oneOf(simple).map(s -> (Step) s);
    Arbitrary<Step> combined =
        Combinators.combine(
                (Arbitrary<Step>) (Arbitrary<?>) record(Step.SetCanaryScale.class),
                (Arbitrary<Step>) (Arbitrary<?>) record(Step.SetHeaderRoute.class),
                (Arbitrary<Step>) (Arbitrary<?>) record(Step.Pause.class))
            .as((a, b, c) -> (Step) new Step.Combined(List.of(a, b, c)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, single), net.jqwik.api.Tuple.of(1, combined));
  }

  private static Arbitrary<?> record(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    List<Arbitrary<Object>> parts = new ArrayList<>();
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      boolean nullable = c.getAnnotatedType().isAnnotationPresent(Nullable.class);
      @SuppressWarnings("unchecked")
      Arbitrary<Object> part = (Arbitrary<Object>) forType(c.getGenericType(), nullable);
      parts.add(part);
    }
    Constructor<?> constructor;
    try {
      constructor = type.getDeclaredConstructor(types);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    if (parts.isEmpty()) {
      return Arbitraries.create(() -> newInstance(constructor, new Object[0]));
    }
    return Combinators.combine(parts).as(values -> newInstance(constructor, values.toArray()));
  }

  private static Object newInstance(Constructor<?> constructor, Object[] args) {
    try {
      return constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + constructor.getDeclaringClass(), e);
    }
  }
}
