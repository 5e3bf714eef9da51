package relay.persistence.registry;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole registry at one moment, immutable, indexed for the SMTP checks: a client by its
 * source address, a block by kind and value. Built once per change (the view swaps it), read by
 * any number of threads.
 *
 * <p><b>One client per address.</b> The registry entity refuses an address already registered to
 * another client, so the source of truth never has two. A replica may still briefly see two
 * (one client's change arrived, the other's not yet); the snapshot then files the address under
 * the client with the lowest id, so every node decides the same way until the replicas agree.
 *
 * <p>Lookups take values as a client sent them and canonicalise them first ({@link IpAddresses},
 * {@link BlockKind#normalise}); a value that is not valid for the kind matches nothing.
 */
public final class RegistrySnapshot {

  public static final RegistrySnapshot EMPTY = new RegistrySnapshot(List.of(), List.of(),
      List.of());

  private final Map<ClientId, ClientRecord> clients;
  private final Map<String, Block> blocks;
  private final Map<String, ClientRecord> byAddress;
  private final Map<BlockKind, Map<String, List<Block>>> blocksByValue;
  private final Map<String, ApiToken> tokens;
  private final Map<String, Credential> credentials;
  private final Map<String, Credential> byUsername;

  /** Clients and blocks, no API tokens. */
  public RegistrySnapshot(Collection<ClientRecord> clients, Collection<Block> blocks) {
    this(clients, blocks, List.of());
  }

  /** Clients, blocks and API tokens, no credentials. */
  public RegistrySnapshot(Collection<ClientRecord> clients, Collection<Block> blocks,
      Collection<ApiToken> tokens) {
    this(clients, blocks, tokens, List.of());
  }

  /**
   * The whole registry. Two credentials with one username (ignoring case) are in the source of
   * truth never; a replica may briefly see it (one removed, the other added, not both arrived):
   * the lowest id keeps the username, as for addresses.
   */
  public RegistrySnapshot(Collection<ClientRecord> clients, Collection<Block> blocks,
      Collection<ApiToken> tokens, Collection<Credential> credentials) {
    TreeMap<ClientId, ClientRecord> byId = new TreeMap<>();
    clients.forEach(c -> byId.put(c.id(), c));
    Map<String, ClientRecord> addresses = new HashMap<>();
    for (ClientRecord c : byId.values()) { // ascending id: the lowest id keeps a shared address
      c.addresses().forEach(a -> addresses.putIfAbsent(a.ip(), c));
    }
    TreeMap<String, Block> blocksById = new TreeMap<>();
    blocks.forEach(b -> blocksById.put(b.id(), b));
    Map<BlockKind, Map<String, List<Block>>> index = new EnumMap<>(BlockKind.class);
    for (Block b : blocksById.values()) {
      index.computeIfAbsent(b.kind(), k -> new HashMap<>())
          .computeIfAbsent(b.value(), v -> new ArrayList<>(1)).add(b);
    }
    index.values().forEach(m -> m.replaceAll((v, list) -> List.copyOf(list)));
    this.clients = Collections.unmodifiableMap(byId);
    this.blocks = Collections.unmodifiableMap(blocksById);
    this.byAddress = Map.copyOf(addresses);
    this.blocksByValue = index;
    TreeMap<String, ApiToken> tokensById = new TreeMap<>();
    tokens.forEach(t -> tokensById.put(t.id(), t));
    this.tokens = Collections.unmodifiableMap(tokensById);
    TreeMap<String, Credential> credentialsById = new TreeMap<>(Comparator
        .comparingInt(String::length).thenComparing(Comparator.naturalOrder())); // c2 < c10
    credentials.forEach(c -> credentialsById.put(c.id(), c));
    Map<String, Credential> usernames = new HashMap<>();
    credentialsById.values().forEach(c -> usernames.putIfAbsent(c.usernameKey(), c));
    this.credentials = Collections.unmodifiableMap(credentialsById);
    this.byUsername = Map.copyOf(usernames);
  }

  /** The credential whose username is {@code username} ignoring case, if any. */
  public Optional<Credential> credentialByUsername(String username) {
    return username == null ? Optional.empty()
        : Optional.ofNullable(byUsername.get(Credential.key(username)));
  }

  /** The credentials of {@code client} (hashes only), in the order they were added. */
  public List<Credential> credentialsOf(ClientId client) {
    return credentials.values().stream().filter(c -> c.client().equals(client)).toList();
  }

  /** Every API token in force (hashes only), ordered by id. */
  public List<ApiToken> tokens() {
    return List.copyOf(tokens.values());
  }

  public Optional<ApiToken> token(String id) {
    return Optional.ofNullable(tokens.get(id));
  }

  /** The client that registered {@code ip} (any textual form of one address), if any. */
  public Optional<ClientRecord> clientByAddress(String ip) {
    return IpAddresses.tryCanonical(ip).map(byAddress::get);
  }

  /** The client that registered the peer address {@code ip}, if any. */
  public Optional<ClientRecord> clientByAddress(InetAddress ip) {
    return Optional.ofNullable(byAddress.get(IpAddresses.canonical(ip)));
  }

  public Optional<ClientRecord> client(ClientId id) {
    return Optional.ofNullable(clients.get(id));
  }

  /** Every client, ordered by id. */
  public List<ClientRecord> clients() {
    return List.copyOf(clients.values());
  }

  /** Every block, ordered by id, including expired ones the registry has not removed yet. */
  public List<Block> blocks() {
    return List.copyOf(blocks.values());
  }

  public Optional<Block> block(String id) {
    return Optional.ofNullable(blocks.get(id));
  }

  /**
   * A block of {@code kind} on {@code value} in force at {@code now} (the one ending last when
   * several are: a permanent one first), or empty.
   */
  public Optional<Block> activeBlock(BlockKind kind, String value, Instant now) {
    return activeBlocks(kind, value, now).stream()
        .max(Comparator.comparing((Block b) -> b.until().orElse(Instant.MAX)));
  }

  /** Every block of {@code kind} on {@code value} in force at {@code now}, ordered by id. */
  public List<Block> activeBlocks(BlockKind kind, String value, Instant now) {
    Map<String, List<Block>> ofKind = blocksByValue.get(kind);
    if (ofKind == null || value == null) {
      return List.of();
    }
    String key;
    try {
      key = kind.normalise(value);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
    return ofKind.getOrDefault(key, List.of()).stream().filter(b -> b.activeAt(now)).toList();
  }

  public boolean isEmpty() {
    return clients.isEmpty() && blocks.isEmpty() && tokens.isEmpty() && credentials.isEmpty();
  }

  @Override
  public String toString() {
    return "RegistrySnapshot(" + clients.size() + " clients, " + blocks.size() + " blocks, "
        + tokens.size() + " tokens, " + credentials.size() + " credentials)";
  }
}
