package io.rollout4j.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a fresh {@link RolloutHarness} into each test method or constructor that asks for one:
 *
 * <pre>{@code
 * @ExtendWith(RolloutHarnessExtension.class)
 * class MyRolloutTest {
 *   @Test
 *   void canaryPromotes(RolloutHarness harness) { ... }
 * }
 * }</pre>
 */
public final class RolloutHarnessExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == RolloutHarness.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return RolloutHarness.create();
  }
}
