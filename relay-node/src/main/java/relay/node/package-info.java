/**
 * The relay process: reads the configuration, starts the actor system as a cluster (of one, on the
 * embedded default), creates the schema, starts the sharded delivery queues, binds the SMTP
 * listeners and the HTTP endpoints, and wires the ports the lower modules declare (spool sink for
 * accepted messages, SMTP delivery transport, DSN submission). Configuration errors stop the start
 * with a message naming the key.
 */
package relay.node;
