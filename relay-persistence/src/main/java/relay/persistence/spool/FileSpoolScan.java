package relay.persistence.spool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * {@link SpoolScan} of a {@link FileSpool}: reads its bucket directories in order, whole ones, so
 * a page holds entries of one or more buckets and {@code next} is the number of the bucket to
 * read next. A hashed name's domain comes from its sidecar ({@link LinkNames}); a hashed link
 * without a readable sidecar is not listed (XXX: it stays until an operator removes it).
 */
final class FileSpoolScan {

  private FileSpoolScan() {}

  /**
   * @param bucket the directory of bucket {@code i}
   * @param bucketOf the bucket a queue id's entries are in; a name found elsewhere was not put
   *     there by the spool (release would never reach it) and is not listed
   */
  static SpoolScan.Page scan(IntFunction<Path> bucket, ToIntFunction<String> bucketOf,
      int buckets, Optional<String> from, Instant committedBefore, int max) throws IOException {
    int start = from.map(FileSpoolScan::bucketNumber).orElse(0);
    List<SpoolScan.Entry> found = new ArrayList<>();
    int b = start;
    while (b < buckets && found.size() < max) {
      scanBucket(bucket.apply(b), b, bucketOf, committedBefore, found);
      b++;
    }
    return new SpoolScan.Page(found, b < buckets ? Optional.of(Integer.toString(b))
        : Optional.empty());
  }

  private static int bucketNumber(String cursor) {
    try {
      return Math.max(0, Integer.parseInt(cursor));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void scanBucket(Path dir, int b, ToIntFunction<String> bucketOf, Instant before,
      List<SpoolScan.Entry> found) throws IOException {
    try (DirectoryStream<Path> names = Files.newDirectoryStream(dir)) {
      for (Path p : names) {
        LinkNames.Parsed parsed = LinkNames.parse(p.getFileName().toString());
        Optional<SpoolScan.Entry> entry = Optional.empty();
        if (parsed instanceof LinkNames.Plain plain) {
          entry = entry(p, plain.queueId(), Optional.of(plain.domain()));
        } else if (parsed instanceof LinkNames.Hashed hashed) {
          entry = entry(p, hashed.queueId(), sidecarDomain(p, hashed.sidecar()));
        }
        entry.filter(e -> e.committedAt().isBefore(before))
            .filter(e -> bucketOf.applyAsInt(e.queueId()) == b).ifPresent(found::add);
      }
    } catch (NoSuchFileException e) {
      // a bucket removed by an operator: nothing in it
    }
  }

  private static Optional<SpoolScan.Entry> entry(Path link, String queueId,
      Optional<String> domain) throws IOException {
    if (domain.isEmpty()) {
      return Optional.empty();
    }
    try {
      Instant modified = Files.getLastModifiedTime(link).toInstant();
      return Optional.of(new SpoolScan.Entry(queueId, domain.get(), modified));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // released while listed
    }
  }

  private static Optional<String> sidecarDomain(Path link, String sidecar) throws IOException {
    try {
      byte[] content = Files.readAllBytes(link.resolveSibling(sidecar));
      return LinkNames.domainOf(link.getFileName().toString(), content);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
