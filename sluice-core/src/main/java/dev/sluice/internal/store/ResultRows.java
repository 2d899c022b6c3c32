package dev.sluice.internal.store;

import dev.sluice.RequestResult;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Set;
import java.util.function.Predicate;

/** Writes the rows of results ({@code results}, {@code records}, {@code bodies}) within the caller's transaction. */
public interface ResultRows {

    /** The message of a 304 whose stored ok row is gone: it is stored as this failure. */
    String VANISHED = "304 Not Modified, but the stored result it confirms is gone; run again to fetch it whole";

    /**
     * Writes the batch's rows, replacing earlier ones of the same requests, as stored by run {@code run}
     * ({@code results.run}; null: no run recorded). {@code mayHaveRows} says of a request (its identity) whether earlier
     * records and bodies of it may be stored (then they are replaced); for the others the caller knows there are none,
     * which saves the looking. An {@link RequestResult#unchanged()} result only updates its stored ok row's fetch time,
     * attempts and elapsed time; where that row is gone it is stored as a failure ({@link #VANISHED}). Returns the
     * identities of those 304s, whose queue rows must say failed too.
     */
    Set<String> write(Connection c, Collection<RequestResult> batch, Predicate<String> mayHaveRows, Long run) throws SQLException;
}
