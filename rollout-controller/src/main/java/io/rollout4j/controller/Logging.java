package io.rollout4j.controller;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** {@code --loglevel} and {@code --logformat text|json}, on logback, to standard error. */
final class Logging {
  private Logging() {}

  static void configure(String level, String format) {
    Level parsed =
        switch (level.toLowerCase(Locale.ROOT)) {
          case "debug" -> Level.DEBUG;
          case "info" -> Level.INFO;
          case "warn", "warning" -> Level.WARN;
          case "error" -> Level.ERROR;
          default ->
              throw new IllegalArgumentException(
                  "--loglevel: expected debug, info, warn or error, found '" + level + "'");
        };
    if (!format.equals("text") && !format.equals("json")) {
      throw new IllegalArgumentException(
          "--logformat: expected text or json, found '" + format + "'");
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(context);
    out.setTarget("System.err");
    if (format.equals("json")) {
      LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
      encoder.setContext(context);
      JsonLayout layout = new JsonLayout();
      layout.setContext(context);
      layout.start();
      encoder.setLayout(layout);
      encoder.start();
      out.setEncoder(encoder);
    } else {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern(
          "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{24}%replace( rollout=%X{rollout}){' rollout=$', ''} - %msg%n");
      encoder.start();
      out.setEncoder(encoder);
    }
    out.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(out);
    root.setLevel(Level.WARN);
    context.getLogger("io.rollout4j").setLevel(parsed);
    // fabric8 warns on every v1alpha1 resource it is handed: Argo's API version is v1alpha1.
    context
        .getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")
        .setLevel(Level.ERROR);
  }

  /** One JSON object per line: time, level, logger, message, the rollout, an error. */
  static final class JsonLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent event) {
      StringBuilder out = new StringBuilder(256);
      out.append("{\"time\":\"").append(Instant.ofEpochMilli(event.getTimeStamp())).append('"');
      field(out, "level", event.getLevel().toString().toLowerCase(Locale.ROOT));
      field(out, "logger", event.getLoggerName());
      field(out, "msg", event.getFormattedMessage());
      for (Map.Entry<String, String> e : event.getMDCPropertyMap().entrySet()) {
        field(out, e.getKey(), e.getValue());
      }
      IThrowableProxy error = event.getThrowableProxy();
      if (error != null) {
        field(out, "error", ThrowableProxyUtil.asString(error));
      }
      return out.append("}\n").toString();
    }

    private static void field(StringBuilder out, String name, String value) {
      out.append(",\"");
      escape(out, name);
      out.append("\":\"");
      escape(out, value);
      out.append('"');
    }

    private static void escape(StringBuilder out, String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
    }
  }
}
