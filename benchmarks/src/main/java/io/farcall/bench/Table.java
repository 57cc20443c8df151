package io.farcall.bench;

import java.util.ArrayList;
import java.util.List;

/** A table of text cells, printed padded for a terminal or as Markdown. */
final class Table {
  private final String title;
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String title, String... header) {
    this.title = title;
    this.header = List.of(header);
  }

  Table row(Object... cells) {
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  String title() {
    return title;
  }

  String toText() {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> r : rows) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder(title).append('\n');
    appendText(sb, header, widths);
    for (List<String> r : rows) {
      appendText(sb, r, widths);
    }
    return sb.toString();
  }

  private static void appendText(StringBuilder sb, List<String> cells, int[] widths) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      // Text left, figures right, as a reader scans them.
      boolean left = i == 0 || !Character.isDigit(c.isEmpty() ? 'x' : c.charAt(0));
      String pad = " ".repeat(widths[i] - c.length());
      sb.append(left ? c + pad : pad + c).append(i + 1 < cells.size() ? "  " : "");
    }
    sb.append('\n');
  }

  String toMarkdown() {
    StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
    for (int i = 0; i < header.size(); i++) {
      sb.append(i == 0 ? "---|" : "---:|");
    }
    sb.append('\n');
    for (List<String> r : rows) {
      sb.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    return sb.toString();
  }
}
