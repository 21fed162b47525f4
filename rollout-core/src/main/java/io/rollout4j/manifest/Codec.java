package io.rollout4j.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.ArgoEnum;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.Step;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Maps JSON trees to model records and back by record component name. Decoding never stops at the
 * first problem: every problem of a document is collected with its path, and a record is built only
 * when none of its fields failed.
 */
final class Codec {

  /** Marks a value that could not be decoded; its problem has already been recorded. */
  private static final Object FAILED = new Object();

  private static final Map<String, Class<? extends Resource>> ARGO_KINDS =
      Map.of(
          Rollout.KIND, Rollout.class,
          AnalysisTemplate.KIND, AnalysisTemplate.class,
          ClusterAnalysisTemplate.KIND, ClusterAnalysisTemplate.class,
          AnalysisRun.KIND, AnalysisRun.class);

  private static final Set<String> ENVELOPE = Set.of("apiVersion", "kind");

  private static final ClassValue<RecordInfo> RECORDS =
      new ClassValue<>() {
        @Override
        protected RecordInfo computeValue(Class<?> type) {
          return RecordInfo.of(type);
        }
      };

  private final List<Problem> problems = new ArrayList<>();

  List<Problem> problems() {
    return problems;
  }

  boolean hasErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }

  private void error(String path, String message) {
    problems.add(Problem.error(path, message));
  }

  // ---------------------------------------------------------------- decoding

  /** Decodes one document (already unwrapped from any List); null when it has errors. */
  @Nullable Resource decodeResource(JsonNode node, String path) {
    if (!node.isObject()) {
      error(
          path,
          "expected a Kubernetes object (a mapping with apiVersion and kind), found "
              + describe(node));
      return null;
    }
    String apiVersion = requiredText(node, "apiVersion", path);
    String kind = requiredText(node, "kind", path);
    if (apiVersion == null || kind == null) {
      return null;
    }
    Class<? extends Resource> typed = ARGO_KINDS.get(kind);
    if (!envelopeFits(apiVersion, kind, path)) {
      return null;
    }
    if (typed != null && Resource.ARGO_API_VERSION.equals(apiVersion)) {
      Object value = decodeRecordFields(node, typed, path, ENVELOPE, /* metadataDefault */ true);
      return value == FAILED ? null : typed.cast(value);
    }
    @Nullable Object metadata = ObjectMeta.empty();
    JsonNode metaNode = node.get("metadata");
    if (metaNode != null && !metaNode.isNull()) {
      metadata = decode(metaNode, ObjectMeta.class, false, child(path, "metadata"));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!ENVELOPE.contains(e.getKey()) && !e.getKey().equals("metadata")) {
        body.put(e.getKey(), Trees.toJava(e.getValue()));
      }
    }
    if (!(metadata instanceof ObjectMeta meta)) {
      return null;
    }
    return new GenericResource(apiVersion, kind, meta, body);
  }

  private @Nullable String requiredText(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      error(child(path, field), "required field is missing");
      return null;
    }
    if (!value.isTextual() || value.asText().isEmpty()) {
      error(child(path, field), "expected a non-empty string, found " + describe(value));
      return null;
    }
    return value.asText();
  }

  /** Decodes a top-level value of a model type; null when it had problems. */
  @Nullable Object decodeValue(JsonNode node, Class<?> type) {
    Object value = decode(node, type, false, "");
    return value == FAILED ? null : value;
  }

  /** Decodes a value of a model type; returns {@link #FAILED} after recording a problem. */
  private @Nullable Object decode(JsonNode node, Type type, boolean nullable, String path) {
    if (node.isNull()) {
      if (nullable) {
        return null;
      }
      error(path, "expected " + expectation(type) + ", found null");
      return FAILED;
    }
    Class<?> raw = rawClass(type);
    if (raw == String.class) {
      if (node.isTextual()) {
        return node.asText();
      }
      return mismatch(path, type, node);
    }
    if (raw == Integer.class || raw == int.class) {
      if (node.isIntegralNumber() && node.canConvertToInt()) {
        return node.intValue();
      }
      if (node.isIntegralNumber()) {
        error(path, "expected a 32-bit integer, found " + node.asText() + " (out of range)");
        return FAILED;
      }
      return mismatch(path, type, node);
    }
    if (raw == Long.class || raw == long.class) {
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return node.longValue();
      }
      if (node.isIntegralNumber()) {
        error(path, "expected a 64-bit integer, found " + node.asText() + " (out of range)");
        return FAILED;
      }
      return mismatch(path, type, node);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      if (node.isBoolean()) {
        return node.booleanValue();
      }
      return mismatch(path, type, node);
    }
    if (raw == IntOrString.class) {
      if (node.isIntegralNumber() && node.canConvertToInt()) {
        return IntOrString.of(node.intValue());
      }
      if (node.isTextual()) {
        return IntOrString.of(node.asText());
      }
      return mismatch(path, type, node);
    }
    if (raw == Object.class) {
      return Trees.toJava(node);
    }
    if (raw == List.class) {
      if (!node.isArray()) {
        return mismatch(path, type, node);
      }
      Type element = typeArgument(type, 0);
      List<Object> out = new ArrayList<>(node.size());
      boolean failed = false;
      for (int i = 0; i < node.size(); i++) {
        Object item = decode(node.get(i), element, element == Object.class, path + "[" + i + "]");
        if (item == FAILED) {
          failed = true;
        } else {
          out.add(item);
        }
      }
      return failed ? FAILED : out;
    }
    if (raw == Map.class) {
      if (!node.isObject()) {
        return mismatch(path, type, node);
      }
      Type valueType = typeArgument(type, 1);
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      boolean failed = false;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Object item =
            decode(e.getValue(), valueType, valueType == Object.class, child(path, e.getKey()));
        if (item == FAILED) {
          failed = true;
        } else {
          out.put(e.getKey(), item);
        }
      }
      return failed ? FAILED : out;
    }
    if (raw.isEnum() && ArgoEnum.class.isAssignableFrom(raw)) {
      if (node.isTextual()) {
        for (Object constant : raw.getEnumConstants()) {
          if (((ArgoEnum) constant).argoName().equals(node.asText())) {
            return constant;
          }
        }
      }
      String allowed =
          Arrays.stream(raw.getEnumConstants())
              .map(c -> ((ArgoEnum) c).argoName())
              .collect(Collectors.joining(", "));
      error(path, "expected one of " + allowed + ", found " + describe(node));
      return FAILED;
    }
    OneOf oneOf = OneOf.forType(raw);
    if (oneOf != null) {
      return decodeOneOf(node, oneOf, nullable, path);
    }
    if (raw.isRecord()) {
      return decodeRecordFields(node, raw, path, Set.of(), false);
    }
    throw new IllegalStateException("no decoder for " + type);
  }

  private Object mismatch(String path, Type type, JsonNode node) {
    String hint = "";
    if (node.isTextual() && rawClass(type) != String.class && looksNumeric(node.asText())) {
      hint = " (remove the quotes)";
    } else if (!node.isTextual() && rawClass(type) == String.class && node.isValueNode()) {
      hint = " (quote it)";
    }
    error(path, "expected " + expectation(type) + ", found " + describe(node) + hint);
    return FAILED;
  }

  private static boolean looksNumeric(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> Character.isDigit(c) || c == '-');
  }

  private @Nullable Object decodeOneOf(JsonNode node, OneOf oneOf, boolean nullable, String path) {
    if (!node.isObject()) {
      error(path, "expected an object, found " + describe(node));
      return FAILED;
    }
    List<String> present = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      JsonNode value = node.get(key);
      if (oneOf.variants().containsKey(key)) {
        if (value != null && !value.isNull()) {
          present.add(key);
        } else {
          error(child(path, key), "expected " + payloadExpectation(oneOf, key) + ", found null");
        }
      } else {
        warnUnknown(path, key, oneOf.variants().keySet());
      }
    }
    if (present.isEmpty()) {
      if (oneOf.emptyMeansAbsent() && nullable && node.isEmpty()) {
        return null;
      }
      if (hasErrorsAt(path)) {
        return FAILED;
      }
      error(path, oneOf.noneMessage());
      return FAILED;
    }
    if (present.size() > 1) {
      long exclusive = present.stream().filter(Step.Combined.EXCLUSIVE_KINDS::contains).count();
      if (!oneOf.combinable() || exclusive > 1) {
        error(path, oneOf.multipleMessage() + " (found " + String.join(", ", present) + ")");
        return FAILED;
      }
      List<Object> actions = new ArrayList<>();
      boolean failed = false;
      for (String key : present) {
        Object action = decodeVariant(node, oneOf, key, path);
        if (action == FAILED) {
          failed = true;
        } else {
          actions.add(action);
        }
      }
      if (failed) {
        return FAILED;
      }
      @SuppressWarnings("unchecked") // every action is a decoded Step variant
      List<Step> steps = (List<Step>) (List<?>) actions;
      return RECORDS.get(Step.Combined.class).construct(new Object[] {steps}, path, this);
    }
    return decodeVariant(node, oneOf, present.get(0), path);
  }

  private @Nullable Object decodeVariant(JsonNode node, OneOf oneOf, String key, String path) {
    OneOf.Variant variant = oneOf.variant(key);
    JsonNode payload = node.get(key);
    String payloadPath = child(path, key);
    return switch (variant.payload()) {
      case FIELDS -> decodeRecordFields(payload, variant.type(), payloadPath, Set.of(), false);
      case SINGLE -> {
        RecordInfo info = RECORDS.get(variant.type());
        RecordComponent single = info.components[0];
        Object value = decode(payload, single.getGenericType(), false, payloadPath);
        yield value == FAILED ? FAILED : info.construct(new Object[] {value}, payloadPath, this);
      }
      case GENERIC -> new io.rollout4j.model.MetricProvider.Other(key, Trees.toJava(payload));
    };
  }

  private String payloadExpectation(OneOf oneOf, String key) {
    OneOf.Variant variant = oneOf.variant(key);
    if (variant.payload() == OneOf.Payload.SINGLE) {
      return expectation(RECORDS.get(variant.type()).components[0].getGenericType());
    }
    return "an object (write " + key + ": {} for no settings)";
  }

  private boolean hasErrorsAt(String path) {
    return problems.stream().anyMatch(p -> p.isError() && p.path().startsWith(path));
  }

  private Object decodeRecordFields(
      JsonNode node, Class<?> type, String path, Set<String> ignored, boolean metadataDefault) {
    if (!node.isObject()) {
      error(path, "expected an object, found " + describe(node));
      return FAILED;
    }
    RecordInfo info = RECORDS.get(type);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!info.names.contains(key) && !ignored.contains(key)) {
        warnUnknown(path, key, info.names);
      }
    }
    Object[] args = new Object[info.components.length];
    boolean failed = false;
    for (int i = 0; i < info.components.length; i++) {
      RecordComponent component = info.components[i];
      String name = component.getName();
      JsonNode value = node.get(name);
      Class<?> raw = component.getType();
      boolean nullable = info.nullable[i];
      String fieldPath = child(path, name);
      if (value == null || (value.isNull() && !nullable)) {
        if (nullable) {
          args[i] = null;
        } else if (raw == List.class) {
          args[i] = List.of();
        } else if (raw == Map.class) {
          args[i] = Map.of();
        } else if (metadataDefault && raw == ObjectMeta.class) {
          args[i] = ObjectMeta.empty();
        } else {
          error(fieldPath, "required field is missing");
          failed = true;
        }
        continue;
      }
      Object decoded = decode(value, component.getGenericType(), nullable, fieldPath);
      if (decoded == FAILED) {
        failed = true;
      } else {
        args[i] = decoded;
      }
    }
    return failed ? FAILED : info.construct(args, path, this);
  }

  /**
   * The argoproj.io kinds of Argo's other projects (Argo CD, Workflows, Events), which a GitOps
   * folder may hold next to rollouts and which are no typo of a Rollout4j kind.
   */
  private static final Set<String> OTHER_ARGO_KINDS =
      Set.of(
          "Experiment",
          "Application",
          "ApplicationSet",
          "AppProject",
          "Workflow",
          "WorkflowTemplate",
          "ClusterWorkflowTemplate",
          "CronWorkflow",
          "WorkflowEventBinding",
          "WorkflowTaskSet",
          "WorkflowTaskResult",
          "WorkflowArtifactGCTask",
          "EventSource",
          "Sensor",
          "EventBus",
          "RolloutManager");

  /**
   * A Rollout4j kind under another argoproj.io version, or a near miss of one of its kinds, would
   * be read as an unknown object and silently ignored (the API server rejects both): an error that
   * says what was meant.
   */
  private boolean envelopeFits(String apiVersion, String kind, String path) {
    if (!apiVersion.startsWith("argoproj.io/") && !apiVersion.equals("argoproj.io")) {
      return true;
    }
    if (ARGO_KINDS.containsKey(kind)) {
      if (!Resource.ARGO_API_VERSION.equals(apiVersion)) {
        error(
            child(path, "apiVersion"),
            "expected '"
                + Resource.ARGO_API_VERSION
                + "' for kind "
                + kind
                + " (the only version Argo Rollouts serves), found '"
                + apiVersion
                + "'");
        return false;
      }
      return true;
    }
    if (OTHER_ARGO_KINDS.contains(kind)) {
      return true;
    }
    String suggestion = Suggestions.closest(kind, ARGO_KINDS.keySet());
    if (suggestion != null) {
      error(
          child(path, "kind"),
          "unknown kind '" + kind + "' in argoproj.io (did you mean '" + suggestion + "'?)");
      return false;
    }
    return true;
  }

  private void warnUnknown(String path, String key, Set<String> known) {
    String suggestion = Suggestions.closest(key, known);
    problems.add(
        Problem.warning(
            child(path, key),
            "unknown field '"
                + key
                + "'"
                + (suggestion == null
                    ? " (ignored)"
                    : " (ignored; did you mean '" + suggestion + "'?)")));
  }

  // ---------------------------------------------------------------- encoding

  /** The JSON-like tree of a resource, fields in Argo's order. */
  static Map<String, Object> encodeResource(Resource resource) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("apiVersion", resource.apiVersion());
    out.put("kind", resource.kind());
    if (resource instanceof GenericResource generic) {
      Map<String, Object> meta = encodeRecord(generic.metadata());
      if (!meta.isEmpty()) {
        out.put("metadata", meta);
      }
      out.putAll(generic.body());
      return out;
    }
    out.putAll(encodeRecord(resource));
    return out;
  }

  static Map<String, Object> encodeRecord(Object record) {
    RecordInfo info = RECORDS.get(record.getClass());
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < info.components.length; i++) {
      Object value = info.get(record, i);
      if (value == null) {
        continue;
      }
      if (!info.nullable[i]
          && ((value instanceof List<?> l && l.isEmpty())
              || (value instanceof Map<?, ?> m && m.isEmpty()))) {
        continue; // absent and empty decode alike, so the shorter form round-trips
      }
      out.put(info.components[i].getName(), encodeValue(value));
    }
    return out;
  }

  static @Nullable Object encodeValue(@Nullable Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof IntOrString ios) {
      Integer i = ios.intValue();
      return i != null ? i : ios.stringValue();
    }
    if (value instanceof ArgoEnum e) {
      return e.argoName();
    }
    if (value instanceof List<?> list) {
      List<@Nullable Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(encodeValue(item));
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), encodeValue(v)));
      return out;
    }
    for (Class<?> sealed : value.getClass().getInterfaces()) {
      OneOf oneOf = OneOf.forType(sealed);
      if (oneOf != null) {
        return encodeOneOf(value, oneOf);
      }
    }
    if (value.getClass().isRecord()) {
      return encodeRecord(value);
    }
    throw new IllegalStateException("no encoder for " + value.getClass());
  }

  private static Map<String, Object> encodeOneOf(Object value, OneOf oneOf) {
    if (value instanceof Step.Combined combined) {
      Map<String, Object> merged = new LinkedHashMap<>();
      for (Step action : combined.actions()) {
        merged.putAll(encodeOneOf(action, oneOf));
      }
      return merged;
    }
    String key = oneOf.keyOf(value);
    Object payload;
    if (value instanceof io.rollout4j.model.MetricProvider.Other other) {
      payload = other.config();
    } else if (oneOf.variant(key).payload() == OneOf.Payload.SINGLE) {
      payload = encodeValue(RECORDS.get(value.getClass()).get(value, 0));
    } else {
      payload = encodeRecord(value);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(key, payload == null ? Map.of() : payload);
    return out;
  }

  // ---------------------------------------------------------------- helpers

  static String child(String path, String key) {
    boolean plain =
        !key.isEmpty()
            && key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-');
    if (!plain) {
      return path + "['" + key.replace("'", "\\'") + "']";
    }
    return path.isEmpty() ? key : path + "." + key;
  }

  static String describe(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      String text = node.asText();
      return "string \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
    }
    if (node.isBoolean()) {
      return "boolean " + node.asText();
    }
    if (node.isNumber()) {
      String text = node.asText();
      return "number " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "an object";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String expectation(Type type) {
    Class<?> raw = rawClass(type);
    if (raw == String.class) {
      return "a string";
    }
    if (raw == Integer.class || raw == int.class) {
      return "an integer";
    }
    if (raw == Long.class || raw == long.class) {
      return "an integer";
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return "true or false";
    }
    if (raw == IntOrString.class) {
      return "an integer or a string";
    }
    if (raw == List.class) {
      return "a list";
    }
    if (raw == Map.class || raw.isRecord() || OneOf.forType(raw) != null) {
      return "an object";
    }
    return "a value";
  }

  static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return Object.class;
  }

  private static Type typeArgument(Type type, int index) {
    if (type instanceof ParameterizedType p) {
      Type arg = p.getActualTypeArguments()[index];
      return arg instanceof Class<?> || arg instanceof ParameterizedType ? arg : Object.class;
    }
    return Object.class;
  }

  /** Cached reflective view of one record type. */
  private static final class RecordInfo {
    final RecordComponent[] components;
    final boolean[] nullable;
    final Method[] accessors;
    final Set<String> names;
    final Constructor<?> constructor;

    private RecordInfo(Class<?> type) {
      this.components = type.getRecordComponents();
      this.nullable = new boolean[components.length];
      this.accessors = new Method[components.length];
      Class<?>[] types = new Class<?>[components.length];
      Set<String> names = new java.util.LinkedHashSet<>();
      for (int i = 0; i < components.length; i++) {
        RecordComponent c = components[i];
        nullable[i] =
            c.getAnnotatedType().isAnnotationPresent(org.jspecify.annotations.Nullable.class);
        accessors[i] = c.getAccessor();
        types[i] = c.getType();
        names.add(c.getName());
      }
      this.names = Collections.unmodifiableSet(names);
      try {
        this.constructor = type.getDeclaredConstructor(types);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("record without canonical constructor: " + type, e);
      }
    }

    static RecordInfo of(Class<?> type) {
      if (!type.isRecord()) {
        throw new IllegalStateException("not a record: " + type);
      }
      return new RecordInfo(type);
    }

    @Nullable Object get(Object record, int index) {
      try {
        return accessors[index].invoke(record);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + components[index], e);
      }
    }

    Object construct(@Nullable Object[] args, String path, Codec codec) {
      try {
        return constructor.newInstance(args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
          codec.error(path, String.valueOf(cause.getMessage()));
          return FAILED;
        }
        throw new IllegalStateException("cannot build " + constructor.getDeclaringClass(), e);
      } catch (InstantiationException | IllegalAccessException e) {
        throw new IllegalStateException("cannot build " + constructor.getDeclaringClass(), e);
      }
    }
  }
}
