package relay.persistence.registry;

import java.time.Instant;
import relay.persistence.CborSerializable;

/**
 * One change of the registry, as {@code GET /api/v1/audit} shows it.
 *
 * @param at when the change was persisted (decided by the registry)
 * @param actor who made it (token name; "config" for the import, "registry" for expiry)
 * @param action client-created, client-replaced, client-deleted, block-added, block-removed,
 *     block-expired, client-imported, token-created, token-revoked
 * @param subject the client id, block id or token id
 * @param detail a short human description
 */
public record AuditEntry(Instant at, String actor, String action, String subject, String detail)
    implements CborSerializable {}
