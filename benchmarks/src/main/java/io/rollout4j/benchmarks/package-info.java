/**
 * JMH benchmarks and fleet simulations. Not part of the default test run; timing claims live here
 * and never in unit tests.
 */
@NullMarked
package io.rollout4j.benchmarks;

import org.jspecify.annotations.NullMarked;
