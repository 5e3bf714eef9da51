package relay.persistence.registry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import relay.persistence.CborSerializable;

/**
 * One registered client: who it is, who to tell, where it connects from, what it may send.
 * Validated and normalised on construction; an invalid value is an {@link
 * IllegalArgumentException} whose message starts with the field ("contacts: at least one email
 * address is required").
 *
 * @param id the slug
 * @param name human name, 1 .. 500 characters, no control characters
 * @param contacts 1 .. 20 email addresses notices go to (domains in A-labels; a
 *     second spelling of one, in another case, dropped)
 * @param addresses 0 .. 1000 single source addresses, each IP at most once
 * @param senderDomains 0 .. 1000 domains the client may use in MAIL FROM (lower-case A-labels,
 *     duplicates dropped); empty = any
 * @param limits the client's own limits (empty ones = node defaults)
 * @param state active or suspended
 * @param testWindow when its test addresses may relay; empty = never
 * @param origin configuration file or API
 */
public record ClientRecord(ClientId id, String name, List<String> contacts,
    List<ClientAddress> addresses, List<String> senderDomains, ClientLimits limits,
    ClientState state, Optional<TestWindow> testWindow, ClientOrigin origin)
    implements CborSerializable {

  public static final int MAX_CONTACTS = 20;
  public static final int MAX_ADDRESSES = 1000;
  public static final int MAX_SENDER_DOMAINS = 1000;

  public ClientRecord {
    if (id == null) {
      throw new IllegalArgumentException("id: required");
    }
    name = Names.text("name", name);
    contacts = contacts(contacts);
    addresses = addresses(addresses);
    senderDomains = senderDomains(senderDomains);
    limits = limits == null ? ClientLimits.DEFAULTS : limits;
    if (state == null) {
      throw new IllegalArgumentException("state: required, one of active, suspended");
    }
    testWindow = testWindow == null ? Optional.empty() : testWindow;
    if (origin == null) {
      throw new IllegalArgumentException("origin: required, one of config, api");
    }
  }

  /** The registration of {@code ip} (canonical form) in this client, if it has it. */
  public Optional<ClientAddress> address(String ip) {
    return addresses.stream().filter(a -> a.ip().equals(ip)).findFirst();
  }

  /** Whether MAIL FROM in {@code domain} (canonical, see {@link Names#domain}) is allowed. */
  public boolean allowsSenderDomain(String domain) {
    return senderDomains.isEmpty() || senderDomains.contains(domain);
  }

  public ClientRecord withState(ClientState newState) {
    return new ClientRecord(id, name, contacts, addresses, senderDomains, limits, newState,
        testWindow, origin);
  }

  public ClientRecord withOrigin(ClientOrigin newOrigin) {
    return new ClientRecord(id, name, contacts, addresses, senderDomains, limits, state,
        testWindow, newOrigin);
  }

  private static List<String> contacts(List<String> given) {
    if (given == null || given.isEmpty()) {
      throw new IllegalArgumentException("contacts: at least one email address is required");
    }
    if (given.size() > MAX_CONTACTS) {
      throw new IllegalArgumentException("contacts: at most " + MAX_CONTACTS + " addresses");
    }
    Map<String, String> out = new LinkedHashMap<>(); // one mailbox whatever the case
    for (String c : given) {
      String mailbox = Names.mailbox("contacts", c, false);
      out.putIfAbsent(mailbox.toLowerCase(Locale.ROOT), mailbox);
    }
    return List.copyOf(out.values());
  }

  private static List<ClientAddress> addresses(List<ClientAddress> given) {
    if (given == null) {
      return List.of();
    }
    if (given.size() > MAX_ADDRESSES) {
      throw new IllegalArgumentException("addresses: at most " + MAX_ADDRESSES + " addresses");
    }
    Set<String> seen = new HashSet<>();
    List<ClientAddress> out = new ArrayList<>(given.size());
    for (ClientAddress a : given) {
      if (a == null) {
        throw new IllegalArgumentException("addresses: an entry is missing");
      }
      if (!seen.add(a.ip())) {
        throw new IllegalArgumentException("addresses: " + a.ip() + " is listed twice");
      }
      out.add(a);
    }
    return List.copyOf(out);
  }

  private static List<String> senderDomains(List<String> given) {
    if (given == null) {
      return List.of();
    }
    if (given.size() > MAX_SENDER_DOMAINS) {
      throw new IllegalArgumentException("senderDomains: at most " + MAX_SENDER_DOMAINS
          + " domains");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String d : given) {
      out.add(Names.domain("senderDomains", d));
    }
    return List.copyOf(out);
  }
}
