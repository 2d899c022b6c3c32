package dev.sluice;

import java.time.Instant;

/**
 * A recorded run, as {@code runs} keeps it (read back for {@code status} and the report).
 *
 * @param id        its id, as {@code results.run}
 * @param worker    the process that ran it: host:pid:random
 * @param command   its command line, secrets masked; null when started from the library
 * @param config    its effective configuration, a JSON object, secrets masked
 * @param startedAt when it started
 * @param seenAt    its last sign of life: its last commit (SQLite) or heartbeat (PostgreSQL)
 * @param endedAt   when it ended; null while running or when lost
 * @param state     where it stands; a run whose process is gone reads {@link RunState#LOST}
 * @param message   why it failed ({@link RunState#FATAL}), else null
 * @param summary   what it did, once ended; null while running or when lost
 */
public record RunRecord(long id, String worker, String command, String config, Instant startedAt, Instant seenAt,
                        Instant endedAt, RunState state, String message, RunSummary summary) {
}
