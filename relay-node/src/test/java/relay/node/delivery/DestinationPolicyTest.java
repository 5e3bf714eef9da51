package relay.node.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import relay.node.delivery.DestinationPolicy.Verdict;

/**
 * Which destination addresses the relay connects to, as tables: the class of each kind of
 * address (IPv4 and IPv6), then the policy's verdict with the relay's own interface address
 * 198.51.100.7 / 2001:db8::7, a listener on the wildcard address port 2525 and one on
 * 127.0.0.1:2526, the allow list 10.1.0.0/16 + 127.0.0.2 + fd00::/8 and the refused list
 * 10.0.0.0/8 + 192.168.0.0/16.
 */
class DestinationPolicyTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "192.0.2.1, PUBLIC",
      "8.8.8.8, PUBLIC",
      "10.0.0.1, PUBLIC",
      "0.0.0.0, UNSPECIFIED",
      "0.1.2.3, UNSPECIFIED",
      "127.0.0.1, LOOPBACK",
      "127.255.0.9, LOOPBACK",
      "169.254.169.254, LINK_LOCAL",
      "224.0.0.1, MULTICAST",
      "239.255.255.255, MULTICAST",
      "240.0.0.1, RESERVED",
      "255.255.255.255, RESERVED",
      "'::', UNSPECIFIED",
      "'::1', LOOPBACK",
      "'fe80::1', LINK_LOCAL",
      "'ff02::1', MULTICAST",
      "'fec0::1', RESERVED",
      "'::127.0.0.1', RESERVED",
      "'::ffff:127.0.0.1', LOOPBACK",
      "'::ffff:169.254.1.1', LINK_LOCAL",
      "'2001:db8::1', PUBLIC",
      "'fd00::1', PUBLIC",
  })
  void classOfEachKindOfAddress(String address, AddressClass expected) throws Exception {
    assertEquals(expected, AddressClass.of(InetAddress.getByName(address)));
  }

  private static DestinationPolicy policy() throws Exception {
    OwnEndpoints own = new OwnEndpoints(
        () -> Set.of(addr("198.51.100.7"), addr("2001:db8::7"), addr("127.0.0.1")),
        List.of(new InetSocketAddress(addr("0.0.0.0"), 2525), new InetSocketAddress(addr("127.0.0.1"), 2526)));
    return new DestinationPolicy(
        List.of(Cidr.parse("k", "10.1.0.0/16"), Cidr.parse("k", "127.0.0.2"), Cidr.parse("k", "fd00::/8")),
        List.of(Cidr.parse("k", "10.0.0.0/8"), Cidr.parse("k", "192.168.0.0/16")), own);
  }

  @ParameterizedTest(name = "{0} port {1}: {2} ({3})")
  @CsvSource({
      "192.0.2.1, 25, USABLE, public",
      "'2001:db8::1', 25, USABLE, public",
      "127.0.0.1, 25, REFUSED, loopback",
      "'::1', 25, REFUSED, loopback",
      "0.0.0.0, 25, REFUSED, unspecified",
      "'::', 25, REFUSED, unspecified",
      "169.254.169.254, 25, REFUSED, link-local",
      "'fe80::1', 25, REFUSED, link-local",
      "224.0.0.5, 25, REFUSED, multicast",
      "198.51.100.7, 25, REFUSED, this host's own address",
      "'2001:db8::7', 25, REFUSED, this host's own address",
      "10.2.3.4, 25, REFUSED, refused network",
      "192.168.1.1, 25, REFUSED, refused network",
      "10.1.2.3, 25, USABLE, allowed network",
      "127.0.0.2, 25, USABLE, allowed network",
      "'fd12::1', 25, USABLE, allowed network",
      "127.0.0.3, 25, REFUSED, loopback",
      "198.51.100.7, 2525, LOOP, this relay's own SMTP listener",
      "127.0.0.1, 2525, LOOP, this relay's own SMTP listener",
      "'2001:db8::7', 2525, LOOP, this relay's own SMTP listener",
      "127.0.0.1, 2526, LOOP, this relay's own SMTP listener",
      "127.0.0.2, 2526, USABLE, allowed network",
      "192.0.2.1, 2525, USABLE, public",
  })
  void verdictForEachDestination(String address, int port, Verdict verdict, String why) throws Exception {
    DestinationPolicy.Judgement judgement = policy().judge(new InetSocketAddress(addr(address), port));
    assertEquals(verdict, judgement.verdict());
    assertEquals(why, judgement.why());
  }

  @Test
  void anAllowedNetworkIsStillALoopWhenItHoldsAListener() throws Exception {
    OwnEndpoints own = new OwnEndpoints(Set::of, List.of(new InetSocketAddress(addr("127.0.0.1"), 2525)));
    DestinationPolicy allowAll = new DestinationPolicy(List.of(Cidr.parse("k", "127.0.0.0/8")), List.of(), own);
    assertEquals(Verdict.LOOP, allowAll.judge(new InetSocketAddress(addr("127.0.0.1"), 2525)).verdict());
    assertEquals(Verdict.USABLE, allowAll.judge(new InetSocketAddress(addr("127.0.0.1"), 25)).verdict());

    own.listenersBound(List.of(new InetSocketAddress(addr("127.0.0.1"), 40000)));
    assertEquals(Verdict.LOOP, allowAll.judge(new InetSocketAddress(addr("127.0.0.1"), 40000)).verdict(),
        "the bound port counts once known");
    assertEquals(Verdict.USABLE, allowAll.judge(new InetSocketAddress(addr("127.0.0.1"), 2525)).verdict());
  }

  @Test
  void networksAreLiteralsWithAPrefixInRangeAndNoHostBits() throws Exception {
    assertTrue(Cidr.parse("k", "192.0.2.0/24").contains(addr("192.0.2.200")));
    assertFalse(Cidr.parse("k", "192.0.2.0/25").contains(addr("192.0.2.200")));
    assertTrue(Cidr.parse("k", "0.0.0.0/0").contains(addr("203.0.113.1")));
    assertFalse(Cidr.parse("k", "0.0.0.0/0").contains(addr("::1")), "families never mix");
    assertTrue(Cidr.parse("k", "2001:db8::/33").contains(addr("2001:db8:7fff::1")));
    assertFalse(Cidr.parse("k", "2001:db8::/33").contains(addr("2001:db8:8000::1")));
    for (String bad : List.of("mx.example.com", "192.0.2.0/33", "192.0.2.1/24", "::/129", "10.0.0.0/x", "", "/8")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("relay.x", bad), bad);
      assertTrue(e.getMessage().startsWith("relay.x: "), e.getMessage());
    }
  }

  private static InetAddress addr(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
