package io.rollout4j.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The timeline as an SVG picture: the canary's traffic weight over time in the upper panel, with
 * each measurement marked on it (green passed, red failed, amber inconclusive, grey error), and the
 * available pods of both revisions in the lower panel; actions as dashed lines; the outcome in the
 * title. Plain SVG 1.1, no scripts or external references, so any browser and code-review tool
 * shows it.
 */
final class SvgChart {
  private static final int WIDTH = 900;
  private static final int LEFT = 60;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int PANEL = 180;
  private static final int GAP = 80;

  private SvgChart() {}

  static String draw(Timeline t) {
    long end = Math.max(60, t.endedAt.getSeconds());
    for (Timeline.Row row : t.rows) {
      end = Math.max(end, row.at().getSeconds());
    }
    final long span = end;
    int height = TOP + PANEL + GAP + PANEL + 50;
    int plot = WIDTH - LEFT - RIGHT;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            height,
            WIDTH,
            height));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(
        text(
            LEFT,
            20,
            escape(
                "rollout "
                    + t.rollout
                    + " · "
                    + t.change
                    + " · "
                    + t.outcome.lowerCase()
                    + " at "
                    + Timeline.clock(t.endedAt)),
            "start",
            "bold"));
    int weightTop = TOP;
    int podsTop = TOP + PANEL + GAP;
    axes(svg, weightTop, "canary weight %", 100, span, plot);
    int maxPods = 1;
    for (Timeline.Row row : t.rows) {
      maxPods =
          Math.max(
              maxPods,
              row.stable() == null
                  ? 0
                  : Math.max(row.stable().available(), row.stable().desired()));
      maxPods =
          Math.max(
              maxPods,
              row.canary() == null
                  ? 0
                  : Math.max(row.canary().available(), row.canary().desired()));
    }
    maxPods += 1; // headroom, so a full revision's line does not sit on the frame
    axes(svg, podsTop, "available pods", maxPods, span, plot);
    int lane = weightTop + PANEL + 44;
    svg.append(text(LEFT - 8, lane + 4, "analysis", "end", "normal"));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eeeeee\"/>%n",
            LEFT,
            lane,
            LEFT + plot,
            lane));
    svg.append(step(t.rows, span, plot, weightTop, 100, r -> r.canaryWeight(), "#1f77b4"));
    svg.append(
        step(
            t.rows,
            span,
            plot,
            podsTop,
            maxPods,
            r -> r.stable() == null ? 0 : r.stable().available(),
            "#7f7f7f"));
    svg.append(
        step(
            t.rows,
            span,
            plot,
            podsTop,
            maxPods,
            r -> r.canary() == null ? 0 : r.canary().available(),
            "#1f77b4"));
    int legend = LEFT + plot - 370;
    for (String[] mark :
        new String[][] {
          {"#2ca02c", "successful"},
          {"#d62728", "failed"},
          {"#ff7f0e", "inconclusive"},
          {"#7f7f7f", "error"}
        }) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>%n",
              legend,
              lane + 24,
              mark[0]));
      svg.append(text(legend + 7, lane + 28, mark[1], "start", "normal"));
      legend += 95;
    }
    svg.append(
        text(LEFT + plot - 150, podsTop + 14, "— stable", "start", "normal")
            .replace("<text", "<text fill=\"#7f7f7f\""));
    svg.append(
        text(LEFT + plot - 80, podsTop + 14, "— canary", "start", "normal")
            .replace("<text", "<text fill=\"#1f77b4\""));
    for (Timeline.Done done : t.actions) {
      double x = x(done.at(), span, plot);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9467bd\" stroke-dasharray=\"4 3\"/>%n",
              x,
              weightTop,
              x,
              podsTop + PANEL));
      svg.append(text((int) x + 3, weightTop + 12, escape(done.action()), "start", "normal"));
    }
    for (Timeline.Measurement m : t.measurements) {
      double x = x(m.at(), span, plot);
      double y = lane;
      String color =
          switch (m.phase()) {
            case "Successful" -> "#2ca02c";
            case "Failed" -> "#d62728";
            case "Inconclusive" -> "#ff7f0e";
            default -> "#7f7f7f";
          };
      svg.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"><title>%s</title></circle>%n",
              x,
              y,
              color,
              escape(
                  Timeline.clock(m.at()) + " " + m.metric() + " " + m.phase() + " " + m.value())));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void axes(StringBuilder svg, int top, String label, int max, long span, int plot) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#cccccc\"/>%n",
            LEFT,
            top,
            plot,
            PANEL));
    svg.append(text(LEFT - 8, top + 4, String.valueOf(max), "end", "normal"));
    svg.append(text(LEFT - 8, top + PANEL + 4, "0", "end", "normal"));
    svg.append(text(LEFT, top - 6, label, "start", "normal"));
    long tick = span <= 900 ? 60 : span <= 3600 ? 300 : span <= 4 * 3600 ? 1800 : 3600;
    for (long s = 0; s <= span; s += tick) {
      double x = LEFT + plot * (double) s / span;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eeeeee\"/>%n",
              x,
              top,
              x,
              top + PANEL));
      svg.append(
          text(
              (int) x,
              top + PANEL + 16,
              Timeline.clock(Duration.ofSeconds(s)),
              "middle",
              "normal"));
    }
  }

  private static String step(
      List<Timeline.Row> rows,
      long span,
      int plot,
      int top,
      int max,
      java.util.function.Function<Timeline.Row, Integer> value,
      String color) {
    if (rows.isEmpty()) {
      return "";
    }
    StringBuilder points = new StringBuilder();
    Double lastY = null;
    for (Timeline.Row row : rows) {
      Integer v = value.apply(row);
      double x = x(row.at(), span, plot);
      double y = y(v == null ? 0 : v, max, top);
      if (lastY != null) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, lastY));
      }
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      lastY = y;
    }
    points.append(String.format(Locale.ROOT, "%.1f,%.1f", (double) LEFT + plot, lastY));
    return String.format(
        Locale.ROOT,
        "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
        points,
        color);
  }

  private static double x(Duration at, long span, int plot) {
    return LEFT + plot * Math.min(1.0, Math.max(0, at.getSeconds()) / (double) span);
  }

  private static double y(int value, int max, int top) {
    return top + PANEL - PANEL * (double) value / max;
  }

  private static String text(int x, int y, String content, String anchor, String weight) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-weight=\"%s\">%s</text>%n",
        x,
        y,
        anchor,
        weight,
        content);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
