package relay.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables the node reads: every {@code ${?RELAY_...}} of the reference.conf
 * files on the class path, plus RELAY_SEED_NODES (read by RelayConfig). Deployment files that set
 * another RELAY_ variable have a typo the node would silently ignore.
 */
final class RelayEnvironment {

  private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{\\?(RELAY_[A-Z0-9_]+)}");

  private RelayEnvironment() {}

  static Set<String> knownVariables() throws IOException {
    Set<String> known = new TreeSet<>();
    known.add("RELAY_SEED_NODES");
    for (URL url : Collections.list(RelayEnvironment.class.getClassLoader().getResources("reference.conf"))) {
      try (InputStream in = url.openStream()) {
        Matcher m = SUBSTITUTION.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        while (m.find()) {
          known.add(m.group(1));
        }
      }
    }
    return known;
  }
}
