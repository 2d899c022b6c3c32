package dev.sluice.internal.fetch;

/** A 2xx body that cannot be decoded: a Content-Encoding Sluice does not know, or data not in that coding. */
final class BodyDecodingException extends Exception {
    BodyDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
