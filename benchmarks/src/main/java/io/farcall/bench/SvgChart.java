package io.farcall.bench;

import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart as a self-contained SVG file: one group per category (a workload), one bar
 * per series (a peer), a labelled value axis starting at zero.
 */
final class SvgChart {
  private static final String[] COLOURS = {"#1b6ac9", "#d9822b", "#e8b04a", "#7a7a7a", "#3a9d5d"};
  private static final int WIDTH = 860;
  private static final int HEIGHT = 420;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 50;
  private static final int BOTTOM = 80;

  private SvgChart() {}

  /**
   * @param values values[series][category]; NaN for none
   */
  static String bars(
      String title, String axis, List<String> categories, List<String> series, double[][] values) {
    double max = 0;
    for (double[] s : values) {
      for (double v : s) {
        if (!Double.isNaN(v)) {
          max = Math.max(max, v);
        }
      }
    }
    double step = niceStep(max / 5);
    double top = Math.max(step, Math.ceil(max / step) * step);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    text(svg, WIDTH / 2.0, 24, "middle", 15, escape(title));
    for (double v = 0; v <= top + step / 2; v += step) {
      double y = TOP + plotH - v / top * plotH;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
              LEFT,
              y,
              WIDTH - RIGHT,
              y));
      text(svg, LEFT - 6, y + 4, "end", 11, format(v));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>%n",
            TOP + plotH / 2,
            TOP + plotH / 2,
            escape(axis)));
    double groupW = (double) plotW / categories.size();
    double barW = groupW * 0.8 / series.size();
    for (int c = 0; c < categories.size(); c++) {
      double gx = LEFT + c * groupW + groupW * 0.1;
      for (int s = 0; s < series.size(); s++) {
        double v = values[s][c];
        if (Double.isNaN(v)) {
          continue;
        }
        double h = v / top * plotH;
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s"
                    + " %s: %s</title></rect>%n",
                gx + s * barW,
                TOP + plotH - h,
                barW - 2,
                h,
                COLOURS[s % COLOURS.length],
                escape(series.get(s)),
                escape(categories.get(c)),
                format(v)));
      }
      text(svg, gx + groupW * 0.4, TOP + plotH + 18, "middle", 12, escape(categories.get(c)));
    }
    double lx = LEFT;
    for (int s = 0; s < series.size(); s++) {
      double y = HEIGHT - 28;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
              lx,
              y - 10,
              COLOURS[s % COLOURS.length]));
      text(svg, lx + 16, y, "start", 12, escape(series.get(s)));
      lx += 30 + 7.5 * series.get(s).length();
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void text(
      StringBuilder svg, double x, double y, String anchor, int size, String s) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
            x,
            y,
            anchor,
            size,
            s));
  }

  private static double niceStep(double raw) {
    if (raw <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double n = raw / magnitude;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
  }

  private static String format(double v) {
    if (v >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return v == Math.rint(v)
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
