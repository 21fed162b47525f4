/**
 * The {@code skywalking} metric provider: sends an analysis metric's GraphQL query to a SkyWalking
 * OAP server and hands the response's {@code data} object to the success and failure conditions.
 */
@NullMarked
package io.rollout4j.skywalking;

import org.jspecify.annotations.NullMarked;
