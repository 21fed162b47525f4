/**
 * Analysis: how measurements, metrics and runs are judged. {@link
 * io.rollout4j.analysis.Assessments} holds Argo's phase rules as pure functions (a measurement from
 * its conditions and result, a metric from its measurements, a run from its metrics); run
 * scheduling, argument substitution and providers build on them.
 */
@NullMarked
package io.rollout4j.analysis;

import org.jspecify.annotations.NullMarked;
