package relay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class TestDnsServerTest {

  private static Message ask(TestDnsServer dns, String name, int type, boolean tcp) throws Exception {
    SimpleResolver resolver = new SimpleResolver(dns.address());
    resolver.setTCP(tcp);
    resolver.setTimeout(Duration.ofSeconds(2));
    return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN)));
  }

  @Test
  void answersOverUdpAndTcpAuthoritativelyWithTtlOne() throws Exception {
    try (TestDnsServer dns = TestDnsServer.start()) {
      dns.mx("zone.test", 10, "mx.zone.test");

      for (boolean tcp : new boolean[] {false, true}) {
        Message answer = ask(dns, "ZONE.test", Type.MX, tcp);
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertTrue(answer.getHeader().getFlag(Flags.AA));
        MXRecord mx = (MXRecord) answer.getSection(Section.ANSWER).get(0);
        assertEquals(Name.fromString("mx.zone.test."), mx.getTarget(), "DNS names compare without case");
        assertEquals(1, mx.getTTL());
      }
      assertEquals(2, dns.queryCount());
    }
  }

  @Test
  void unknownNamesAreNxdomainAndKnownNamesWithoutTheTypeAreEmpty() throws Exception {
    try (TestDnsServer dns = TestDnsServer.start()) {
      dns.a("host.test", "127.0.0.2");

      assertEquals(Rcode.NXDOMAIN, ask(dns, "other.test", Type.A, false).getRcode());
      Message noData = ask(dns, "host.test", Type.MX, false);
      assertEquals(Rcode.NOERROR, noData.getRcode());
      assertTrue(noData.getSection(Section.ANSWER).isEmpty());

      dns.servfail("host.test");
      assertEquals(Rcode.SERVFAIL, ask(dns, "host.test", Type.A, false).getRcode());
      dns.remove("host.test");
      assertEquals(Rcode.NXDOMAIN, ask(dns, "host.test", Type.A, false).getRcode());
    }
  }
}
