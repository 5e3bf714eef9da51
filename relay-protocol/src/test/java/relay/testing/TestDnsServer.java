package relay.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A real DNS server for tests, on a loopback UDP port and TCP on the same port, speaking the DNS
 * wire format through dnsjava's {@link Message}. It answers authoritatively (AA, TTL 1) from an
 * in-memory zone that a test fills and may change at any time:
 *
 * <pre>
 *   dns.mx("example.test", 10, "mx1.example.test").a("mx1.example.test", "127.0.0.2");
 *   dns.txt("_mta-sts.example.test", "v=STSv1; id=20260101");
 *   dns.nullMx("nomail.test");  dns.servfail("broken.test");  dns.drop("slow.test");
 *   resolver = new MxResolver(List.of(dns.address()), Duration.ofMillis(300), 0);
 * </pre>
 *
 * <p>Names with records, or made to exist with {@link #exists(String)}, answer NOERROR (an empty
 * answer for a type they lack); any other name answers NXDOMAIN. {@link #servfail(String)} answers
 * SERVFAIL and {@link #drop(String)} never answers, for every type of that name.
 */
public final class TestDnsServer implements AutoCloseable {

  private static final long TTL = 1;

  private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
  private final Set<Name> servfail = ConcurrentHashMap.newKeySet();
  private final Set<Name> dropped = ConcurrentHashMap.newKeySet();
  private final AtomicInteger queries = new AtomicInteger();
  private final List<Socket> tcpClients = new CopyOnWriteArrayList<>();
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private volatile boolean closed;

  /** Starts on 127.0.0.1 with an ephemeral port. */
  public static TestDnsServer start() throws IOException {
    return start("127.0.0.1", 0);
  }

  /** Starts on a loopback address; port 0 picks a port free for both UDP and TCP. */
  public static TestDnsServer start(String host, int port) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port));
      ServerSocket tcp = new ServerSocket();
      try {
        tcp.setReuseAddress(true);
        tcp.bind(new InetSocketAddress(address, udp.getLocalPort()));
        return new TestDnsServer(udp, tcp);
      } catch (IOException e) {
        udp.close();
        tcp.close();
        last = e;
        if (port != 0) {
          break;
        }
      }
    }
    throw last;
  }

  private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    Thread u = new Thread(this::serveUdp, "test-dns-udp-" + udp.getLocalPort());
    u.setDaemon(true);
    u.start();
    Thread t = new Thread(this::serveTcp, "test-dns-tcp-" + udp.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** Where to send queries: the value for {@code relay.dns.servers}. */
  public InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  /** "127.0.0.1:port", as written in {@code relay.dns.servers}. */
  public String serverString() {
    return udp.getLocalAddress().getHostAddress() + ":" + udp.getLocalPort();
  }

  public TestDnsServer mx(String domain, int preference, String host) {
    add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
    return this;
  }

  /** RFC 7505: a single MX record with preference 0 and target ".". */
  public TestDnsServer nullMx(String domain) {
    remove(domain);
    add(new MXRecord(name(domain), DClass.IN, TTL, 0, Name.root));
    return this;
  }

  /** A TXT record of one string (e.g. "v=STSv1; id=1" at "_mta-sts.example.test"). */
  public TestDnsServer txt(String name, String text) {
    add(new TXTRecord(name(name), DClass.IN, TTL, text));
    return this;
  }

  /** An A or AAAA record, by the form of the address. */
  public TestDnsServer a(String host, String address) {
    try {
      InetAddress ip = InetAddress.getByName(address);
      if (ip.getAddress().length == 4) {
        add(new ARecord(name(host), DClass.IN, TTL, ip));
      } else {
        add(new AAAARecord(name(host), DClass.IN, TTL, ip));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not an IP address: " + address, e);
    }
    return this;
  }

  public TestDnsServer aaaa(String host, String address) {
    return a(host, address);
  }

  /** Makes a name exist without records: queries for it get NOERROR with an empty answer. */
  public TestDnsServer exists(String domain) {
    zone.computeIfAbsent(name(domain), n -> new CopyOnWriteArrayList<>());
    return this;
  }

  /** Removes a name and its records and faults: it answers NXDOMAIN from now on. */
  public TestDnsServer nxdomain(String domain) {
    return remove(domain);
  }

  /** Every query for this name gets SERVFAIL. */
  public TestDnsServer servfail(String domain) {
    servfail.add(name(domain));
    return this;
  }

  /** Queries for this name are never answered, so the client times out. */
  public TestDnsServer drop(String domain) {
    dropped.add(name(domain));
    return this;
  }

  /** Forgets the name's records and faults. */
  public TestDnsServer remove(String domain) {
    Name n = name(domain);
    zone.remove(n);
    servfail.remove(n);
    dropped.remove(n);
    return this;
  }

  /** Queries received so far, answered or not, over UDP and TCP. */
  public int queryCount() {
    return queries.get();
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : tcpClients) {
      closeQuietly(s);
    }
  }

  private void add(Record record) {
    zone.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad DNS name: " + text, e);
    }
  }

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
        Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
        Message answer = answer(query);
        if (answer != null) {
          OPTRecord opt = query.getOPT();
          int max = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
          byte[] wire = answer.toWire(max);
          udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
        }
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        // a malformed query: ignore it as a real server would
      }
    }
  }

  private void serveTcp() {
    while (!closed) {
      try {
        Socket client = tcp.accept();
        tcpClients.add(client);
        Thread t = new Thread(() -> serveTcpClient(client), "test-dns-tcp-client");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serveTcpClient(Socket client) {
    try (client) {
      InputStream rawIn = client.getInputStream();
      DataInputStream in = new DataInputStream(rawIn);
      OutputStream rawOut = client.getOutputStream();
      DataOutputStream out = new DataOutputStream(rawOut);
      while (!closed) {
        int length = in.readUnsignedShort();
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        Message answer = answer(new Message(bytes));
        if (answer != null) {
          byte[] wire = answer.toWire();
          out.writeShort(wire.length);
          out.write(wire);
          out.flush();
        }
      }
    } catch (IOException e) {
      // client went away
    } finally {
      tcpClients.remove(client);
    }
  }

  /** The reply to one query, or null to stay silent. */
  private Message answer(Message query) {
    queries.incrementAndGet();
    Record question = query.getQuestion();
    Message reply = new Message(query.getHeader().getID());
    reply.getHeader().setFlag(Flags.QR);
    reply.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      reply.getHeader().setFlag(Flags.RD);
      reply.getHeader().setFlag(Flags.RA);
    }
    if (question == null) {
      reply.getHeader().setRcode(Rcode.FORMERR);
      return reply;
    }
    reply.addRecord(question, Section.QUESTION);
    Name name = question.getName();
    if (dropped.contains(name)) {
      return null;
    }
    if (servfail.contains(name)) {
      reply.getHeader().setRcode(Rcode.SERVFAIL);
      return reply;
    }
    List<Record> records = zone.get(name);
    if (records == null) {
      reply.getHeader().setRcode(Rcode.NXDOMAIN);
      return reply;
    }
    for (Record r : records) {
      if (r.getType() == question.getType() || question.getType() == Type.ANY) {
        reply.addRecord(r, Section.ANSWER);
      }
    }
    return reply;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
