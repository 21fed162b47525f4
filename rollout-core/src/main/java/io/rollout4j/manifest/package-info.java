/**
 * Manifests: Argo-format YAML and JSON to and from the model.
 *
 * <p>{@link io.rollout4j.manifest.Manifests} reads multi-document YAML or JSON (unwrapping {@code
 * kind: List}), types Argo's kinds and keeps every other kind as a {@link
 * io.rollout4j.model.GenericResource}. Decoding collects every problem of a document with the path
 * of the field ({@code spec.strategy.canary.steps[2].setWeight}); unknown fields are warnings that
 * {@link io.rollout4j.manifest.Manifests#lint} reports. {@link
 * io.rollout4j.manifest.RolloutValidator} applies Argo's InvalidSpec rules to a decoded rollout.
 */
@NullMarked
package io.rollout4j.manifest;

import org.jspecify.annotations.NullMarked;
