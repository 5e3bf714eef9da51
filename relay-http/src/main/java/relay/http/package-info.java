/**
 * The relay's HTTP interface (Pekko HTTP): the health endpoints that load balancers and
 * orchestrators probe. The operator API (JSON) comes with the client registry and block lists.
 * Bad requests get a 4xx status with a JSON body; nothing here changes state yet.
 */
package relay.http;
