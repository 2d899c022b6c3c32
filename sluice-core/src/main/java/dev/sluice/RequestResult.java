package dev.sluice;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The final outcome for one request: exactly what becomes its row in {@code results} (and its rows in
 * {@code records}, and in {@code bodies} when bodies are kept). Immutable and thread-safe.
 *
 * @param request     the request, whose {@linkplain Request#id() identity} keys the rows; its URL as given (trimmed),
 *                    its password masked ({@link dev.sluice.internal.input.UrlParser#masked})
 * @param status      {@link Status#OK} or {@link Status#FAILED}
 * @param httpStatus  the last HTTP status received, or null when none was
 * @param attempts    how many attempts were made (0 for an invalid URL)
 * @param error       why it failed, or null when ok
 * @param detail      a human-readable reason for a failure, or null
 * @param bytes       body size in bytes, or null when no body was received
 * @param contentType the response's Content-Type, or null
 * @param sha256      hex SHA-256 of the body, or null
 * @param elapsedMs   wall time from the first attempt's start to the outcome, back-off included
 * @param fetchedAt   when the outcome was decided (UTC)
 * @param records     JSON texts produced by the processor, in order (empty when none)
 * @param extraction  the rows and rejects for the typed tables ({@code --table}); {@link Extraction#NONE} when none
 * @param body        the raw body when bodies are kept, else null
 * @param validators  the response's ETag and Last-Modified, kept for a conditional refetch; NONE when it had none
 *                    or was redirected (they would describe another resource)
 * @param unchanged   a refetch found the stored result still current (304 Not Modified): only its fetch time,
 *                    attempts and elapsed time are written, the stored data stays
 * @param discovered  the requests the response yielded by the discovery rules, stored in the frontier in the same
 *                    transaction as this result (those already there are left as they are); empty when none
 */
public record RequestResult(
        Request request,
        Status status,
        Integer httpStatus,
        int attempts,
        ErrorKind error,
        String detail,
        Long bytes,
        String contentType,
        String sha256,
        long elapsedMs,
        Instant fetchedAt,
        List<String> records,
        Extraction extraction,
        byte[] body,
        Validators validators,
        boolean unchanged,
        List<Discovered> discovered) {

    /** The two values of {@code results.status}. */
    public enum Status {
        OK, FAILED;

        public String code() {
            return this == OK ? "ok" : "failed";
        }
    }

    public RequestResult {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        records = List.copyOf(records);
        Objects.requireNonNull(extraction, "extraction");
        discovered = List.copyOf(discovered);
        Objects.requireNonNull(validators, "validators");
        if ((status == Status.FAILED) != (error != null)) {
            throw new IllegalArgumentException("a failed result needs an error, an ok result must have none: " + request);
        }
    }

    /** This result with only {@code these} of its discovered requests (those new to the frontier). */
    public RequestResult withDiscovered(List<Discovered> these) {
        return new RequestResult(request, status, httpStatus, attempts, error, detail, bytes, contentType, sha256, elapsedMs,
                fetchedAt, records, extraction, body, validators, unchanged, these);
    }

    /** The request's URL, as stored. */
    public String url() {
        return request.url();
    }

    /** The key of the request's rows. */
    public String id() {
        return request.id();
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** A failure with no body. */
    public static RequestResult failed(Request request, ErrorKind error, String detail, Integer httpStatus,
                                   int attempts, long elapsedMs, Instant fetchedAt) {
        return new RequestResult(request, Status.FAILED, httpStatus, attempts, error, detail,
                null, null, null, elapsedMs, fetchedAt, List.of(), Extraction.NONE, null, Validators.NONE, false, List.of());
    }

    /** A refetch answered 304 Not Modified: the stored result stays, with this fetch's time. */
    public static RequestResult unchanged(Request request, int attempts, long elapsedMs, Instant fetchedAt) {
        return new RequestResult(request, Status.OK, 304, attempts, null, null,
                null, null, null, elapsedMs, fetchedAt, List.of(), Extraction.NONE, null, Validators.NONE, true, List.of());
    }
}
