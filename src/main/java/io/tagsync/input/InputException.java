package io.tagsync.input;

/**
 * An input that cannot be read at all: the run fails before anything is sent. The message names the file
 * and, where there is one, the line.
 */
public class InputException extends RuntimeException {

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
