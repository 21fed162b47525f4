package io.rollout4j.model;

/** A dry-run rule: metrics whose name matches the (unanchored) regular expression. */
public record DryRun(String metricName) {}
