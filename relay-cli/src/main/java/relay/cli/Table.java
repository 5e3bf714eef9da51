package relay.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table as postqueue and kubectl print them: a header line of upper-case column
 * names, one line per row, columns two spaces apart, numbers right-aligned, no borders, no
 * trailing spaces. A column may have a maximum width: longer cells end in "...". Cells are
 * {@link Cells#clean cleaned}; widths count code points.
 */
final class Table {

  private record Column(String name, boolean right, int max) {}

  private final List<Column> columns = new ArrayList<>();
  private final List<String[]> rows = new ArrayList<>();

  /** A left-aligned column without a maximum width. */
  Table column(String name) {
    return add(new Column(name, false, Integer.MAX_VALUE));
  }

  /** A left-aligned column whose cells are cut to {@code max} code points (at least 4). */
  Table column(String name, int max) {
    if (max < 4) {
      throw new IllegalArgumentException("max: at least 4, was " + max);
    }
    return add(new Column(name, false, max));
  }

  /** A right-aligned column (counts, sizes, ages). */
  Table number(String name) {
    return add(new Column(name, true, Integer.MAX_VALUE));
  }

  private Table add(Column c) {
    if (!rows.isEmpty()) {
      throw new IllegalStateException("columns come before rows");
    }
    columns.add(c);
    return this;
  }

  /** One row: one cell per column, in order; null shows as {@link Cells#NONE}. */
  Table row(String... cells) {
    if (cells.length != columns.size()) {
      throw new IllegalArgumentException(
          "a row has " + columns.size() + " cells, not " + cells.length);
    }
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      String cell = cells[i] == null ? Cells.NONE : Cells.clean(cells[i]);
      row[i] = cut(cell, columns.get(i).max());
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** The table, each line ending in '\n'. */
  String render() {
    int[] widths = new int[columns.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = width(columns.get(i).name());
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], width(row[i]));
      }
    }
    StringBuilder out = new StringBuilder();
    String[] header = columns.stream().map(Column::name).toArray(String[]::new);
    line(out, header, widths);
    for (String[] row : rows) {
      line(out, row, widths);
    }
    return out.toString();
  }

  private void line(StringBuilder out, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String pad = " ".repeat(widths[i] - width(cells[i]));
      if (i > 0) {
        line.append("  ");
      }
      if (columns.get(i).right()) {
        line.append(pad).append(cells[i]);
      } else {
        line.append(cells[i]).append(pad);
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String cut(String s, int max) {
    if (width(s) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max - 3)) + "...";
  }
}
