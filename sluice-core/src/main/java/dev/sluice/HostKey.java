package dev.sluice;

/** What counts as one host for the per-host limits (slots, rate, back-off, breaker). */
public enum HostKey {
    /** Host name and port as in the URL: {@code api.example.com:443}. */
    HOST,
    /** The registrable domain (public suffix + 1): {@code a.example.co.uk} and {@code b.example.co.uk} share. */
    DOMAIN,
    /** The host's IP address: names served by one machine share. */
    IP
}
