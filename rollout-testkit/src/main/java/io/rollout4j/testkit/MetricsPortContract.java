package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.MetricsPort;
import io.rollout4j.port.PortException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MetricsPort} must meet. An adapter's test supplies a request its
 * backend answers and one its backend cannot answer.
 */
public abstract class MetricsPortContract {

  protected abstract MetricsPort createPort();

  /** A request the backend answers with a JSON-like result. */
  protected abstract MetricRequest answerableRequest(Instant now);

  /** A request the backend cannot answer (unknown metric, unreachable server, ...). */
  protected abstract MetricRequest failingRequest(Instant now);

  @Test
  void anAnswerIsJsonLike() {
    Object result = createPort().measure(answerableRequest(Instant.parse("2026-01-01T00:00:00Z")));

    assertThat(
            result == null
                || result instanceof java.util.Map
                || result instanceof java.util.List
                || result instanceof String
                || result instanceof Number
                || result instanceof Boolean)
        .as("result %s is JSON-like", result)
        .isTrue();
  }

  @Test
  void aFailureIsAPortExceptionWithAMessage() {
    MetricsPort port = createPort();

    assertThatThrownBy(() -> port.measure(failingRequest(Instant.parse("2026-01-01T00:00:00Z"))))
        .isInstanceOf(PortException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
  }
}
