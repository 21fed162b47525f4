/**
 * Runnable programs that show Rollout4j in use: the Bookinfo canary, embedding the controller, and
 * testing a rollout in virtual time.
 */
@NullMarked
package io.rollout4j.examples;

import org.jspecify.annotations.NullMarked;
