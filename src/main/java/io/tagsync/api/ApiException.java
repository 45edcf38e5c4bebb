package io.tagsync.api;

import java.time.Duration;

/**
 * A call to the API that did not succeed, classified by what tagsync should do about it. Messages name the
 * call by method and path only: request URLs may carry the API key, so they never reach a message.
 */
public class ApiException extends RuntimeException {

    public enum Kind {
        /** 5xx, timeouts, dropped connections: try again after a backoff. */
        TRANSIENT,
        /** 429: the whole run slows down. */
        RATE_LIMITED,
        /** 400: the payload is wrong; sending it again as is cannot help. */
        BAD_REQUEST,
        /** 413: the body is larger than the server takes; smaller parts of it may go. */
        TOO_LARGE,
        /** 401/403: the key is wrong or lacks the image:tag scope; the run stops. */
        AUTH,
        /** 402/423: a plan limit; the run stops. */
        PLAN_LIMIT,
        /** 404. */
        NOT_FOUND
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;
    private final String reason;

    public ApiException(Kind kind, int status, String message, Duration retryAfter) {
        this(kind, status, message, retryAfter, message);
    }

    public ApiException(Kind kind, int status, String message, Duration retryAfter, String reason) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.reason = reason;
    }

    /** The server's own words (its {@code error} or {@code message} field), else the whole message. */
    public String reason() {
        return reason;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when no response came. */
    public int status() {
        return status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
