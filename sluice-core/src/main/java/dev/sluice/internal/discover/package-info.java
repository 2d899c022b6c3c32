/**
 * Discovery: the rules that find new requests in a response ({@code --paginate}, {@code --follow},
 * {@code --follow-links}). Start with {@link dev.sluice.internal.discover.Discovery} (compile the
 * {@link dev.sluice.DiscoveryOptions} once, then {@code discover(Response)} on any thread); what it yields
 * is {@link dev.sluice.Discovered} requests with their {@link dev.sluice.Lineage}. Pure logic:
 * no I/O, no state between responses; the durable frontier that de-duplicates across responses lives elsewhere.
 */
package dev.sluice.internal.discover;
