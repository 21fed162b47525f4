/**
 * The Argo Rollouts resource model ({@code argoproj.io/v1alpha1}) as immutable records.
 *
 * <p>Record components carry Argo's field names, so the manifest codec maps them one to one. A
 * component is {@code @Nullable} when the field is optional and absence must stay distinct from an
 * explicit default (a manifest that omits {@code replicas} round-trips without gaining {@code
 * replicas: 1}); the {@code effective...} methods apply Argo's defaults. Lists and maps are never
 * null: absent means empty. Where Argo allows exactly one of several fields (strategy, step kind,
 * metric provider) the model has a sealed type. No framework annotations: the manifest package owns
 * the wire format.
 */
@NullMarked
package io.rollout4j.model;

import org.jspecify.annotations.NullMarked;
