package relay.protocol.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-verb policy table: each verb's traits, one row per verb. */
class VerbTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "EHLO | ENDS_PIPELINE_GROUP JUNK BEFORE_TLS BEFORE_AUTH",
      "HELO | ENDS_PIPELINE_GROUP JUNK BEFORE_TLS BEFORE_AUTH",
      "MAIL | ",
      "RCPT | ",
      "DATA | ENDS_PIPELINE_GROUP",
      "BDAT | ",
      "RSET | JUNK BEFORE_TLS BEFORE_AUTH",
      "NOOP | ENDS_PIPELINE_GROUP JUNK BEFORE_TLS BEFORE_AUTH",
      "QUIT | ENDS_PIPELINE_GROUP BEFORE_TLS BEFORE_AUTH",
      "HELP | ENDS_PIPELINE_GROUP JUNK BEFORE_TLS BEFORE_AUTH",
      "VRFY | ENDS_PIPELINE_GROUP JUNK",
      "STARTTLS | ENDS_PIPELINE_GROUP BEFORE_TLS BEFORE_AUTH",
      "AUTH | ENDS_PIPELINE_GROUP BEFORE_AUTH"})
  void traits(Verb verb, String traits) {
    Set<Verb.Trait> expected = traits == null ? EnumSet.noneOf(Verb.Trait.class)
        : Arrays.stream(traits.trim().split(" ")).map(Verb.Trait::valueOf)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(Verb.Trait.class)));
    Set<Verb.Trait> actual = Arrays.stream(Verb.Trait.values()).filter(verb::has)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Verb.Trait.class)));
    assertEquals(expected, actual, verb.name());
    assertEquals(expected.contains(Verb.Trait.ENDS_PIPELINE_GROUP), verb.endsPipelineGroup());
  }

  @ParameterizedTest
  @CsvSource({"EHLO x, EHLO", "helo x, HELO", "MAIL FROM:<a@b.c>, MAIL", "RCPT TO:<a@b.c>, RCPT",
      "DATA, DATA", "BDAT 1, BDAT", "BDAT x, BDAT", "RSET, RSET", "NOOP, NOOP", "QUIT, QUIT",
      "HELP, HELP", "VRFY x, VRFY", "DATA x, DATA", "STARTTLS, STARTTLS",
      "STARTTLS x, STARTTLS", "AUTH PLAIN, AUTH", "AUTH, AUTH"})
  void everyCommandKnowsItsVerb(String line, Verb verb) {
    assertEquals(verb, CommandParser.parse(line.getBytes()).knownVerb().orElseThrow());
  }
}
