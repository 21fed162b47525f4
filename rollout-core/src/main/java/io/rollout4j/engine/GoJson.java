package io.rollout4j.engine;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Objects written exactly as Go's {@code encoding/json} writes them after decoding: a Kubernetes
 * {@code PodTemplateSpec} (k8s.io/api v0.34) and Argo Rollouts' (v1.9) canary steps, the two things
 * Argo hashes. For a pod template: fields in Go's struct order, {@code omitempty} and {@code
 * omitzero} as Go applies them (a struct is never empty, so {@code "resources":{}} stays), zero
 * values for absent fields without {@code omitempty}, fields Go does not know left out, map keys
 * sorted, resource quantities in their canonical form ({@code 0.5} → {@code "500m"}), and Go's
 * string escaping. Argo Rollouts hashes these bytes to name a ReplicaSet; writing the same bytes
 * gives the same name, so a rollout moves between Argo and Rollout4j without a new ReplicaSet.
 */
final class GoJson {
  private GoJson() {}

  /*
   * One line per Go struct: `Type: field field ...` in Go's field order. A field is
   * `[?|~]name:type` (`?` omitempty, `~` omitempty and omitzero) or `...Type` (an embedded struct
   * whose fields are written in its place). Types: s string, i integer, b bool, q resource
   * quantity, n int-or-string, t time, raw (kept as it is), *x pointer, [x] slice, {x} map with
   * string keys, and a capitalised name for a struct of this table.
   */
  private static final String SCHEMA =
      """
      PodTemplateSpec: ?metadata:ObjectMeta ?spec:PodSpec
      ObjectMeta: ?name:s ?generateName:s ?namespace:s ?selfLink:s ?uid:s ?resourceVersion:s \
      ?generation:i ~creationTimestamp:t ?deletionTimestamp:*t ?deletionGracePeriodSeconds:*i \
      ?labels:{s} ?annotations:{s} ?ownerReferences:[OwnerReference] ?finalizers:[s] \
      ?managedFields:[ManagedFieldsEntry]
      OwnerReference: apiVersion:s kind:s name:s uid:s ?controller:*b ?blockOwnerDeletion:*b
      ManagedFieldsEntry: ?manager:s ?operation:s ?apiVersion:s ?time:*t ?fieldsType:s \
      ?fieldsV1:*raw ?subresource:s
      PodSpec: ?volumes:[Volume] ?initContainers:[Container] containers:[Container] \
      ?ephemeralContainers:[EphemeralContainer] ?restartPolicy:s \
      ?terminationGracePeriodSeconds:*i ?activeDeadlineSeconds:*i ?dnsPolicy:s ?nodeSelector:{s} \
      ?serviceAccountName:s ?serviceAccount:s ?automountServiceAccountToken:*b ?nodeName:s \
      ?hostNetwork:b ?hostPID:b ?hostIPC:b ?shareProcessNamespace:*b \
      ?securityContext:*PodSecurityContext ?imagePullSecrets:[LocalObjectReference] ?hostname:s \
      ?subdomain:s ?affinity:*Affinity ?schedulerName:s ?tolerations:[Toleration] \
      ?hostAliases:[HostAlias] ?priorityClassName:s ?priority:*i ?dnsConfig:*PodDNSConfig \
      ?readinessGates:[PodReadinessGate] ?runtimeClassName:*s ?enableServiceLinks:*b \
      ?preemptionPolicy:*s ?overhead:{q} ?topologySpreadConstraints:[TopologySpreadConstraint] \
      ?setHostnameAsFQDN:*b ?os:*PodOS ?hostUsers:*b ?schedulingGates:[PodSchedulingGate] \
      ?resourceClaims:[PodResourceClaim] ?resources:*ResourceRequirements ?hostnameOverride:*s
      Volume: name:s ...VolumeSource
      VolumeSource: ?hostPath:*HostPathVolumeSource ?emptyDir:*EmptyDirVolumeSource \
      ?gcePersistentDisk:*GCEPersistentDiskVolumeSource \
      ?awsElasticBlockStore:*AWSElasticBlockStoreVolumeSource ?gitRepo:*GitRepoVolumeSource \
      ?secret:*SecretVolumeSource ?nfs:*NFSVolumeSource ?iscsi:*ISCSIVolumeSource \
      ?glusterfs:*GlusterfsVolumeSource \
      ?persistentVolumeClaim:*PersistentVolumeClaimVolumeSource ?rbd:*RBDVolumeSource \
      ?flexVolume:*FlexVolumeSource ?cinder:*CinderVolumeSource ?cephfs:*CephFSVolumeSource \
      ?flocker:*FlockerVolumeSource ?downwardAPI:*DownwardAPIVolumeSource ?fc:*FCVolumeSource \
      ?azureFile:*AzureFileVolumeSource ?configMap:*ConfigMapVolumeSource \
      ?vsphereVolume:*VsphereVirtualDiskVolumeSource ?quobyte:*QuobyteVolumeSource \
      ?azureDisk:*AzureDiskVolumeSource \
      ?photonPersistentDisk:*PhotonPersistentDiskVolumeSource ?projected:*ProjectedVolumeSource \
      ?portworxVolume:*PortworxVolumeSource ?scaleIO:*ScaleIOVolumeSource \
      ?storageos:*StorageOSVolumeSource ?csi:*CSIVolumeSource ?ephemeral:*EphemeralVolumeSource \
      ?image:*ImageVolumeSource
      HostPathVolumeSource: path:s ?type:*s
      EmptyDirVolumeSource: ?medium:s ?sizeLimit:*q
      GCEPersistentDiskVolumeSource: pdName:s ?fsType:s ?partition:i ?readOnly:b
      AWSElasticBlockStoreVolumeSource: volumeID:s ?fsType:s ?partition:i ?readOnly:b
      GitRepoVolumeSource: repository:s ?revision:s ?directory:s
      SecretVolumeSource: ?secretName:s ?items:[KeyToPath] ?defaultMode:*i ?optional:*b
      KeyToPath: key:s path:s ?mode:*i
      NFSVolumeSource: server:s path:s ?readOnly:b
      ISCSIVolumeSource: targetPortal:s iqn:s lun:i ?iscsiInterface:s ?fsType:s ?readOnly:b \
      ?portals:[s] ?chapAuthDiscovery:b ?chapAuthSession:b ?secretRef:*LocalObjectReference \
      ?initiatorName:*s
      LocalObjectReference: ?name:s
      GlusterfsVolumeSource: endpoints:s path:s ?readOnly:b
      PersistentVolumeClaimVolumeSource: claimName:s ?readOnly:b
      RBDVolumeSource: monitors:[s] image:s ?fsType:s ?pool:s ?user:s ?keyring:s \
      ?secretRef:*LocalObjectReference ?readOnly:b
      FlexVolumeSource: driver:s ?fsType:s ?secretRef:*LocalObjectReference ?readOnly:b \
      ?options:{s}
      CinderVolumeSource: volumeID:s ?fsType:s ?readOnly:b ?secretRef:*LocalObjectReference
      CephFSVolumeSource: monitors:[s] ?path:s ?user:s ?secretFile:s \
      ?secretRef:*LocalObjectReference ?readOnly:b
      FlockerVolumeSource: ?datasetName:s ?datasetUUID:s
      DownwardAPIVolumeSource: ?items:[DownwardAPIVolumeFile] ?defaultMode:*i
      DownwardAPIVolumeFile: path:s ?fieldRef:*ObjectFieldSelector \
      ?resourceFieldRef:*ResourceFieldSelector ?mode:*i
      ObjectFieldSelector: ?apiVersion:s fieldPath:s
      ResourceFieldSelector: ?containerName:s resource:s ?divisor:q
      FCVolumeSource: ?targetWWNs:[s] ?lun:*i ?fsType:s ?readOnly:b ?wwids:[s]
      AzureFileVolumeSource: secretName:s shareName:s ?readOnly:b
      ConfigMapVolumeSource: ...LocalObjectReference ?items:[KeyToPath] ?defaultMode:*i \
      ?optional:*b
      VsphereVirtualDiskVolumeSource: volumePath:s ?fsType:s ?storagePolicyName:s \
      ?storagePolicyID:s
      QuobyteVolumeSource: registry:s volume:s ?readOnly:b ?user:s ?group:s ?tenant:s
      AzureDiskVolumeSource: diskName:s diskURI:s ?cachingMode:*s ?fsType:*s ?readOnly:*b \
      ?kind:*s
      PhotonPersistentDiskVolumeSource: pdID:s ?fsType:s
      ProjectedVolumeSource: sources:[VolumeProjection] ?defaultMode:*i
      VolumeProjection: ?secret:*SecretProjection ?downwardAPI:*DownwardAPIProjection \
      ?configMap:*ConfigMapProjection ?serviceAccountToken:*ServiceAccountTokenProjection \
      ?clusterTrustBundle:*ClusterTrustBundleProjection \
      ?podCertificate:*PodCertificateProjection
      SecretProjection: ...LocalObjectReference ?items:[KeyToPath] ?optional:*b
      DownwardAPIProjection: ?items:[DownwardAPIVolumeFile]
      ConfigMapProjection: ...LocalObjectReference ?items:[KeyToPath] ?optional:*b
      ServiceAccountTokenProjection: ?audience:s ?expirationSeconds:*i path:s
      ClusterTrustBundleProjection: ?name:*s ?signerName:*s ?labelSelector:*LabelSelector \
      ?optional:*b path:s
      LabelSelector: ?matchLabels:{s} ?matchExpressions:[LabelSelectorRequirement]
      LabelSelectorRequirement: key:s operator:s ?values:[s]
      PodCertificateProjection: ?signerName:s ?keyType:s ?maxExpirationSeconds:*i \
      ?credentialBundlePath:s ?keyPath:s ?certificateChainPath:s
      PortworxVolumeSource: volumeID:s ?fsType:s ?readOnly:b
      ScaleIOVolumeSource: gateway:s system:s secretRef:*LocalObjectReference ?sslEnabled:b \
      ?protectionDomain:s ?storagePool:s ?storageMode:s ?volumeName:s ?fsType:s ?readOnly:b
      StorageOSVolumeSource: ?volumeName:s ?volumeNamespace:s ?fsType:s ?readOnly:b \
      ?secretRef:*LocalObjectReference
      CSIVolumeSource: driver:s ?readOnly:*b ?fsType:*s ?volumeAttributes:{s} \
      ?nodePublishSecretRef:*LocalObjectReference
      EphemeralVolumeSource: ?volumeClaimTemplate:*PersistentVolumeClaimTemplate
      PersistentVolumeClaimTemplate: ?metadata:ObjectMeta spec:PersistentVolumeClaimSpec
      PersistentVolumeClaimSpec: ?accessModes:[s] ?selector:*LabelSelector \
      ?resources:VolumeResourceRequirements ?volumeName:s ?storageClassName:*s ?volumeMode:*s \
      ?dataSource:*TypedLocalObjectReference ?dataSourceRef:*TypedObjectReference \
      ?volumeAttributesClassName:*s
      VolumeResourceRequirements: ?limits:{q} ?requests:{q}
      TypedLocalObjectReference: apiGroup:*s kind:s name:s
      TypedObjectReference: apiGroup:*s kind:s name:s ?namespace:*s
      ImageVolumeSource: ?reference:s ?pullPolicy:s
      Container: name:s ?image:s ?command:[s] ?args:[s] ?workingDir:s ?ports:[ContainerPort] \
      ?envFrom:[EnvFromSource] ?env:[EnvVar] ?resources:ResourceRequirements \
      ?resizePolicy:[ContainerResizePolicy] ?restartPolicy:*s \
      ?restartPolicyRules:[ContainerRestartRule] ?volumeMounts:[VolumeMount] \
      ?volumeDevices:[VolumeDevice] ?livenessProbe:*Probe ?readinessProbe:*Probe \
      ?startupProbe:*Probe ?lifecycle:*Lifecycle ?terminationMessagePath:s \
      ?terminationMessagePolicy:s ?imagePullPolicy:s ?securityContext:*SecurityContext \
      ?stdin:b ?stdinOnce:b ?tty:b
      ContainerPort: ?name:s ?hostPort:i containerPort:i ?protocol:s ?hostIP:s
      EnvFromSource: ?prefix:s ?configMapRef:*ConfigMapEnvSource ?secretRef:*SecretEnvSource
      ConfigMapEnvSource: ...LocalObjectReference ?optional:*b
      SecretEnvSource: ...LocalObjectReference ?optional:*b
      EnvVar: name:s ?value:s ?valueFrom:*EnvVarSource
      EnvVarSource: ?fieldRef:*ObjectFieldSelector ?resourceFieldRef:*ResourceFieldSelector \
      ?configMapKeyRef:*ConfigMapKeySelector ?secretKeyRef:*SecretKeySelector \
      ?fileKeyRef:*FileKeySelector
      ConfigMapKeySelector: ...LocalObjectReference key:s ?optional:*b
      SecretKeySelector: ...LocalObjectReference key:s ?optional:*b
      FileKeySelector: volumeName:s path:s key:s ?optional:*b
      ResourceRequirements: ?limits:{q} ?requests:{q} ?claims:[ResourceClaim]
      ResourceClaim: name:s ?request:s
      ContainerResizePolicy: resourceName:s restartPolicy:s
      ContainerRestartRule: ?action:s ?exitCodes:*ContainerRestartRuleOnExitCodes
      ContainerRestartRuleOnExitCodes: ?operator:s ?values:[i]
      VolumeMount: name:s ?readOnly:b ?recursiveReadOnly:*s mountPath:s ?subPath:s \
      ?mountPropagation:*s ?subPathExpr:s
      VolumeDevice: name:s devicePath:s
      Probe: ...ProbeHandler ?initialDelaySeconds:i ?timeoutSeconds:i ?periodSeconds:i \
      ?successThreshold:i ?failureThreshold:i ?terminationGracePeriodSeconds:*i
      ProbeHandler: ?exec:*ExecAction ?httpGet:*HTTPGetAction ?tcpSocket:*TCPSocketAction \
      ?grpc:*GRPCAction
      ExecAction: ?command:[s]
      HTTPGetAction: ?path:s port:n ?host:s ?scheme:s ?httpHeaders:[HTTPHeader]
      HTTPHeader: name:s value:s
      TCPSocketAction: port:n ?host:s
      GRPCAction: port:i service:*s
      Lifecycle: ?postStart:*LifecycleHandler ?preStop:*LifecycleHandler ?stopSignal:*s
      LifecycleHandler: ?exec:*ExecAction ?httpGet:*HTTPGetAction ?tcpSocket:*TCPSocketAction \
      ?sleep:*SleepAction
      SleepAction: seconds:i
      SecurityContext: ?capabilities:*Capabilities ?privileged:*b \
      ?seLinuxOptions:*SELinuxOptions ?windowsOptions:*WindowsSecurityContextOptions \
      ?runAsUser:*i ?runAsGroup:*i ?runAsNonRoot:*b ?readOnlyRootFilesystem:*b \
      ?allowPrivilegeEscalation:*b ?procMount:*s ?seccompProfile:*SeccompProfile \
      ?appArmorProfile:*AppArmorProfile
      Capabilities: ?add:[s] ?drop:[s]
      SELinuxOptions: ?user:s ?role:s ?type:s ?level:s
      WindowsSecurityContextOptions: ?gmsaCredentialSpecName:*s ?gmsaCredentialSpec:*s \
      ?runAsUserName:*s ?hostProcess:*b
      SeccompProfile: type:s ?localhostProfile:*s
      AppArmorProfile: type:s ?localhostProfile:*s
      EphemeralContainer: ...Container ?targetContainerName:s
      PodSecurityContext: ?seLinuxOptions:*SELinuxOptions \
      ?windowsOptions:*WindowsSecurityContextOptions ?runAsUser:*i ?runAsGroup:*i \
      ?runAsNonRoot:*b ?supplementalGroups:[i] ?supplementalGroupsPolicy:*s ?fsGroup:*i \
      ?sysctls:[Sysctl] ?fsGroupChangePolicy:*s ?seccompProfile:*SeccompProfile \
      ?appArmorProfile:*AppArmorProfile ?seLinuxChangePolicy:*s
      Sysctl: name:s value:s
      Affinity: ?nodeAffinity:*NodeAffinity ?podAffinity:*PodAffinity \
      ?podAntiAffinity:*PodAffinity
      NodeAffinity: ?requiredDuringSchedulingIgnoredDuringExecution:*NodeSelector \
      ?preferredDuringSchedulingIgnoredDuringExecution:[PreferredSchedulingTerm]
      NodeSelector: nodeSelectorTerms:[NodeSelectorTerm]
      NodeSelectorTerm: ?matchExpressions:[NodeSelectorRequirement] \
      ?matchFields:[NodeSelectorRequirement]
      NodeSelectorRequirement: key:s operator:s ?values:[s]
      PreferredSchedulingTerm: weight:i preference:NodeSelectorTerm
      PodAffinity: ?requiredDuringSchedulingIgnoredDuringExecution:[PodAffinityTerm] \
      ?preferredDuringSchedulingIgnoredDuringExecution:[WeightedPodAffinityTerm]
      PodAffinityTerm: ?labelSelector:*LabelSelector ?namespaces:[s] topologyKey:s \
      ?namespaceSelector:*LabelSelector ?matchLabelKeys:[s] ?mismatchLabelKeys:[s]
      WeightedPodAffinityTerm: weight:i podAffinityTerm:PodAffinityTerm
      Toleration: ?key:s ?operator:s ?value:s ?effect:s ?tolerationSeconds:*i
      HostAlias: ip:s ?hostnames:[s]
      PodDNSConfig: ?nameservers:[s] ?searches:[s] ?options:[PodDNSConfigOption]
      PodDNSConfigOption: ?name:s ?value:*s
      PodReadinessGate: conditionType:s
      TopologySpreadConstraint: maxSkew:i topologyKey:s whenUnsatisfiable:s \
      ?labelSelector:*LabelSelector ?minDomains:*i ?nodeAffinityPolicy:*s ?nodeTaintsPolicy:*s \
      ?matchLabelKeys:[s]
      PodOS: name:s
      PodSchedulingGate: name:s
      PodResourceClaim: name:s ?resourceClaimName:*s ?resourceClaimTemplateName:*s
      CanaryStep: ?setWeight:*i ?pause:*RolloutPause ?experiment:*RolloutExperimentStep \
      ?analysis:*RolloutAnalysis ?setCanaryScale:*SetCanaryScale \
      ?setHeaderRoute:*SetHeaderRoute ?setMirrorRoute:*SetMirrorRoute ?plugin:*PluginStep
      RolloutPause: ?duration:*n
      RolloutExperimentStep: templates:[RolloutExperimentTemplate] ?duration:s \
      ?analyses:[RolloutExperimentStepAnalysisTemplateRef] ?dryRun:[DryRun] \
      ?analysisRunMetadata:AnalysisRunMetadata ?scaleDownDelaySeconds:*i
      RolloutExperimentTemplate: name:s specRef:s ?replicas:*i ?metadata:AnalysisRunMetadata \
      ?selector:*LabelSelector ?weight:*i ?service:*TemplateService
      RolloutExperimentStepAnalysisTemplateRef: name:s templateName:s ?clusterScope:*b \
      ?args:[AnalysisRunArgument] ?requiredForCompletion:b
      RolloutAnalysis: ?templates:[AnalysisTemplateRef] ?args:[AnalysisRunArgument] \
      ?dryRun:[DryRun] ?measurementRetention:[MeasurementRetention] \
      ?analysisRunMetadata:*AnalysisRunMetadata
      AnalysisTemplateRef: templateName:s ?clusterScope:*b
      AnalysisRunArgument: name:s ?value:s ?valueFrom:*ArgumentValueFrom
      ArgumentValueFrom: ?podTemplateHashValue:*s ?fieldRef:*FieldRef
      FieldRef: fieldPath:s
      DryRun: metricName:s
      MeasurementRetention: metricName:s limit:i
      AnalysisRunMetadata: ?labels:{s} ?annotations:{s}
      TemplateService: ?name:s
      SetCanaryScale: ?weight:*i ?replicas:*i ?matchTrafficWeight:b
      SetHeaderRoute: ?name:s ?match:[HeaderRoutingMatch]
      HeaderRoutingMatch: headerName:s headerValue:*StringMatch
      StringMatch: ?exact:s ?prefix:s ?regex:s
      SetMirrorRoute: name:s ?match:[RouteMatch] ?percentage:*i
      RouteMatch: ?method:*StringMatch ?path:*StringMatch ?headers:{StringMatch}
      PluginStep: name:s ?config:raw
      """;

  /** A Go type: a scalar code, a pointer, slice or map of one, or a struct of the table. */
  private record Type(char kind, @Nullable Type element, @Nullable String struct) {
    static Type parse(String text) {
      if (text.startsWith("*")) {
        return new Type('*', parse(text.substring(1)), null);
      }
      if (text.startsWith("[")) {
        return new Type('[', parse(text.substring(1, text.length() - 1)), null);
      }
      if (text.startsWith("{")) {
        return new Type('{', parse(text.substring(1, text.length() - 1)), null);
      }
      if (Character.isUpperCase(text.charAt(0))) {
        return new Type('S', null, text);
      }
      if (text.equals("raw")) {
        return new Type('r', null, null);
      }
      if (text.length() != 1 || "sibqnt".indexOf(text.charAt(0)) < 0) {
        throw new IllegalStateException("unknown Go type " + text);
      }
      return new Type(text.charAt(0), null, null);
    }
  }

  private record Field(String name, Type type, boolean omitEmpty, boolean omitZero) {}

  private static final Map<String, List<Field>> STRUCTS = parse(SCHEMA);

  private static Map<String, List<Field>> parse(String schema) {
    Map<String, String[]> lines = new HashMap<>();
    for (String line : schema.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      lines.put(line.substring(0, colon), line.substring(colon + 1).trim().split("\\s+"));
    }
    Map<String, List<Field>> out = new HashMap<>();
    for (String name : lines.keySet()) {
      out.put(name, List.copyOf(fields(name, lines)));
    }
    for (List<Field> fields : out.values()) {
      for (Field f : fields) {
        check(f.type(), out);
      }
    }
    return Map.copyOf(out);
  }

  private static List<Field> fields(String struct, Map<String, String[]> lines) {
    String[] tokens = lines.get(struct);
    if (tokens == null) {
      throw new IllegalStateException("no Go struct " + struct);
    }
    List<Field> out = new ArrayList<>();
    for (String token : tokens) {
      if (token.startsWith("...")) {
        // An embedded struct's fields take its place, in its order.
        out.addAll(fields(token.substring(3), lines));
        continue;
      }
      boolean omitZero = token.startsWith("~");
      boolean omitEmpty = omitZero || token.startsWith("?");
      String body = omitEmpty ? token.substring(1) : token;
      int colon = body.indexOf(':');
      out.add(
          new Field(
              body.substring(0, colon),
              Type.parse(body.substring(colon + 1)),
              omitEmpty,
              omitZero));
    }
    return out;
  }

  private static void check(Type type, Map<String, List<Field>> structs) {
    if (type.struct() != null && !structs.containsKey(type.struct())) {
      throw new IllegalStateException("no Go struct " + type.struct());
    }
    if (type.element() != null) {
      check(type.element(), structs);
    }
  }

  /** The bytes Go's {@code json.Marshal} gives for this pod template tree. */
  static byte[] encode(@Nullable Object podTemplateSpec) {
    return encode(POD_TEMPLATE_SPEC, podTemplateSpec);
  }

  private static final Type POD_TEMPLATE_SPEC = Type.parse("PodTemplateSpec");
  private static final Type CANARY_STEPS = Type.parse("[CanaryStep]");

  /** The bytes Go's {@code json.Marshal} gives for Argo's {@code []CanaryStep} (nil: null). */
  static byte[] encodeSteps(@Nullable Object steps) {
    return encode(CANARY_STEPS, steps);
  }

  private static byte[] encode(Type type, @Nullable Object tree) {
    StringBuilder out = new StringBuilder(512);
    value(out, type, tree);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void struct(StringBuilder out, String name, @Nullable Object value) {
    Map<?, ?> map = value instanceof Map<?, ?> m ? m : Map.of();
    out.append('{');
    boolean first = true;
    for (Field field : java.util.Objects.requireNonNull(STRUCTS.get(name))) {
      Object v = map.get(field.name());
      if (field.omitEmpty() && isEmpty(field, v)) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, field.name());
      out.append(':');
      value(out, field.type(), v);
    }
    out.append('}');
  }

  /**
   * Go's omitempty: false, 0, "", a nil pointer, an empty slice or map; never a struct (a quantity,
   * a time and an int-or-string are structs too), unless omitzero is also set and it is zero.
   */
  private static boolean isEmpty(Field field, @Nullable Object v) {
    return switch (field.type().kind()) {
      case '*' -> v == null;
      case '[' -> !(v instanceof List<?> list) || list.isEmpty();
      case '{' -> !(v instanceof Map<?, ?> map) || map.isEmpty();
      case 's' -> v == null || v.toString().isEmpty();
      case 'i' -> v == null || (v instanceof Number n && n.longValue() == 0);
      case 'b' -> v == null || Boolean.FALSE.equals(v);
      case 't' -> field.omitZero() && isZeroTime(v);
      case 'r' -> v == null;
      default -> false;
    };
  }

  private static void value(StringBuilder out, Type type, @Nullable Object v) {
    switch (type.kind()) {
      case '*' -> {
        if (v == null) {
          out.append("null");
        } else {
          value(out, element(type), v);
        }
      }
      case '[' -> {
        if (!(v instanceof List<?> list)) {
          out.append("null");
          return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          value(out, element(type), list.get(i));
        }
        out.append(']');
      }
      case '{' -> {
        if (!(v instanceof Map<?, ?> map)) {
          out.append("null");
          return;
        }
        // Go sorts map keys by their bytes.
        List<String> keys = new ArrayList<>();
        for (Object k : map.keySet()) {
          keys.add(String.valueOf(k));
        }
        keys.sort(GoJson::compareUtf8);
        out.append('{');
        for (int i = 0; i < keys.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          string(out, keys.get(i));
          out.append(':');
          value(out, element(type), map.get(keys.get(i)));
        }
        out.append('}');
      }
      case 'S' -> struct(out, java.util.Objects.requireNonNull(type.struct()), v);
      case 's' -> string(out, v == null ? "" : v.toString());
      case 'i' -> out.append(v instanceof Number n ? n.longValue() : 0L);
      case 'b' -> out.append(Boolean.TRUE.equals(v));
      case 'q' -> string(out, v == null ? "0" : GoQuantity.canonical(numberText(v)));
      case 'n' -> {
        if (v instanceof String s) {
          string(out, s);
        } else {
          out.append(v instanceof Number n ? n.intValue() : 0);
        }
      }
      case 't' -> {
        if (isZeroTime(v)) {
          out.append("null");
        } else {
          string(
              out,
              RFC3339.format(
                  OffsetDateTime.parse(String.valueOf(v)).withOffsetSameInstant(ZoneOffset.UTC)));
        }
      }
      case 'r' -> raw(out, v);
      default -> throw new IllegalStateException("unknown Go type " + type);
    }
  }

  private static Type element(Type type) {
    return java.util.Objects.requireNonNull(type.element());
  }

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'");

  private static boolean isZeroTime(@Nullable Object v) {
    return v == null
        || OffsetDateTime.parse(String.valueOf(v))
            .toInstant()
            .equals(OffsetDateTime.parse("0001-01-01T00:00:00Z").toInstant());
  }

  /** A number as its JSON text (a quantity may be written as a bare number). */
  private static String numberText(Object v) {
    if (v instanceof Double || v instanceof Float) {
      return new java.math.BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
    }
    return v.toString();
  }

  /** A value Go keeps as raw JSON (managed fields): written compactly, in its own key order. */
  private static void raw(StringBuilder out, @Nullable Object v) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(e.getKey()));
        out.append(':');
        raw(out, e.getValue());
      }
      out.append('}');
    } else if (v instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        raw(out, list.get(i));
      }
      out.append(']');
    } else if (v instanceof String s) {
      string(out, s);
    } else {
      out.append(v);
    }
  }

  private static int compareUtf8(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * A string as Go writes it: {@code < > &} and U+2028/U+2029 as {@code \\u} escapes, control
   * characters as short or {@code \\u00XX} escapes, an unpaired surrogate as U+FFFD.
   */
  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> unicode(out, c);
        default -> {
          if (c < 0x20) {
            unicode(out, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append("\\ufffd");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }
}
