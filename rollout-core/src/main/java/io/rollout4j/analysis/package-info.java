/**
 * Analysis: phases of measurements, metrics and runs. The phase rules, run scheduling, argument
 * substitution and judges arrive with the analysis issue.
 */
@NullMarked
package io.rollout4j.analysis;

import org.jspecify.annotations.NullMarked;
