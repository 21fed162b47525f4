package io.rollout4j.model;

/** How many measurements to keep for metrics matching {@code metricName} (a regular expression). */
public record MeasurementRetention(String metricName, int limit) {}
