/**
 * Test kit for code that embeds Rollout4j: in-memory fakes of every port, a manual clock, the
 * rollout harness that runs the engine in virtual time, and the port contract tests (TCK) that
 * every adapter must pass. Filled in by the canary-engine issue; this module exists now so that the
 * reactor layout is final.
 */
@NullMarked
package io.rollout4j.testkit;

import org.jspecify.annotations.NullMarked;
