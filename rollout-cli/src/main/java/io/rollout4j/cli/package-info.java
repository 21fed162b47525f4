/**
 * {@code rollout4j}, the command line for GitOps repositories: {@code lint} validates every
 * Rollout, AnalysisTemplate and AnalysisRun under the given paths and resolves the references
 * between them, {@code policy} applies a team's rules written as data, and {@code simulate} runs a
 * rollout change in virtual time on the test harness and prints its timeline. Everything here is
 * internal to the tool; {@link io.rollout4j.cli.Rollout4jCli#main} is its only entry point.
 */
@NullMarked
package io.rollout4j.cli;

import org.jspecify.annotations.NullMarked;
