package dev.sluice;

import java.util.List;

/** A response's headers, as {@code meta:header.NAME} and processors read them. Names are case-insensitive. Immutable. */
public interface Headers {

    /** The first value of the header, or null when the response had none. */
    String first(String name);

    /** Every value of the header, in order; empty when none. */
    List<String> all(String name);

    /** No headers. */
    Headers NONE = new Headers() {
        @Override
        public String first(String name) {
            return null;
        }

        @Override
        public List<String> all(String name) {
            return List.of();
        }
    };
}
