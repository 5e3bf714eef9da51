package relay.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One object shown as "label: value" lines with the values aligned; a list shows one item per
 * line under its label ({@link Cells#NONE} when empty). Values are {@link Cells#clean cleaned}.
 *
 * <pre>
 * id:         billing
 * addresses:  192.0.2.10 production
 *             192.0.2.11 test
 * </pre>
 */
final class Details {

  private record Line(String label, List<String> values) {}

  private final List<Line> lines = new ArrayList<>();

  Details add(String label, String value) {
    return add(label, List.of(value == null ? Cells.NONE : value));
  }

  Details add(String label, List<String> values) {
    lines.add(new Line(label, values.isEmpty() ? List.of(Cells.NONE) : List.copyOf(values)));
    return this;
  }

  /** The lines, each ending in '\n'. */
  String render() {
    int width = lines.stream().mapToInt(l -> l.label().length() + 1).max().orElse(0);
    StringBuilder out = new StringBuilder();
    for (Line l : lines) {
      String label = l.label() + ":";
      for (int i = 0; i < l.values().size(); i++) {
        String head = i == 0 ? label : "";
        out.append((head + " ".repeat(width - head.length() + 2) + Cells.clean(l.values().get(i)))
            .stripTrailing()).append('\n');
      }
    }
    return out.toString();
  }
}
