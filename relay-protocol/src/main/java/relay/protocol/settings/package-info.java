/**
 * Helpers shared by the settings records of every module: each record reads its section of the
 * configuration once at start and checks every value with {@link relay.protocol.settings.Bounds}.
 */
package relay.protocol.settings;
