package io.tagsync.input;

import io.tagsync.run.TagsyncProperties.CsvEscape;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A CSV file's text as the CSV parser reads it, one pass ahead of the parser. It follows quotes as the file's
 * escape writes them, so that it knows where each record ends, and:
 *
 * <ul>
 *   <li>with {@link CsvEscape#BACKSLASH}, turns a quoted cell's {@code \"} into RFC 4180's {@code ""} and its
 *       {@code \\} into {@code \}, as Spark's reader does; every other backslash, and all of an unquoted cell,
 *       is text ({@code C:\temp} stays as it is);
 *   <li>cuts a record longer than {@code maxChars}: what the parser has of it ends in {@link #CUT}, the rest is
 *       read past without being kept (its line breaks still reach the parser as empty lines, so that line numbers
 *       stay right), and its length is queued for {@link #cutLength()}.
 * </ul>
 *
 * Not thread-safe.
 */
final class CsvText extends Reader {

    /** Ends the text of a record that was cut; a noncharacter, refused in the input itself. */
    static final char CUT = '\uFFFF';

    private enum State {
        FIELD_START,
        UNQUOTED,
        QUOTED,
        /** a quote in a quoted cell: its end, or in RFC 4180 the first of two */
        QUOTED_QUOTE,
        /** a backslash in a quoted cell */
        QUOTED_ESCAPE
    }

    private final Reader in;
    private final boolean backslash;
    private final char delimiter;
    private final int maxChars;
    private final char[] input = new char[1 << 16];
    private final char[] output = new char[(1 << 16) + 8];
    private final Deque<Long> cutLengths = new ArrayDeque<>();
    private final boolean[] special = new boolean[128];
    private int outputStart;
    private int outputEnd;
    private State state = State.FIELD_START;
    private long recordChars;
    private boolean cutting;
    private boolean cutInQuotes;
    private long pendingLines;
    private int inputPos;
    private int inputEnd;
    private boolean ended;

    CsvText(Reader in, CsvEscape escape, String delimiter, int maxChars) {
        this.in = in;
        this.backslash = escape == CsvEscape.BACKSLASH;
        this.delimiter = delimiter.charAt(delimiter.length() - 1);
        this.maxChars = maxChars;
        for (char c : new char[] {'"', '\\', '\n', '\r', this.delimiter}) {
            if (c < 128) {
                special[c] = true;
            }
        }
    }

    /**
     * True when a record was cut and its length not yet asked for: the parser has read a record ending in
     * {@link #CUT} only then.
     */
    boolean hasCut() {
        return !cutLengths.isEmpty();
    }

    /** The length in characters of the oldest record cut and not yet asked for. */
    long cutLength() {
        Long length = cutLengths.pollFirst();
        return length == null ? -1 : length;
    }

    @Override
    public int read(char[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (outputStart == outputEnd) {
            if (ended && pendingLines == 0) {
                return -1;
            }
            fill();
        }
        int n = Math.min(length, outputEnd - outputStart);
        System.arraycopy(output, outputStart, into, offset, n);
        outputStart += n;
        return n;
    }

    /** Turns input into output while there is room for what one character may become. */
    private void fill() throws IOException {
        outputStart = 0;
        outputEnd = 0;
        while (outputEnd < output.length - 4) {
            if (pendingLines > 0) {
                emit('\n');
                pendingLines--;
                continue;
            }
            if (inputPos == inputEnd) {
                if (outputEnd > 0 || ended) {
                    return; // what there is goes to the parser before the next read may block
                }
                int n = in.read(input, 0, input.length);
                if (n < 0) {
                    ended = true;
                    if (cutting) {
                        endCut();
                    }
                    continue;
                }
                inputPos = 0;
                inputEnd = n;
            }
            if (!cutting && (state == State.UNQUOTED || state == State.QUOTED || state == State.FIELD_START)) {
                copyPlain();
                if (inputPos == inputEnd || outputEnd >= output.length - 4) {
                    continue;
                }
            }
            char c = input[inputPos++];
            if (c == CUT) {
                throw new IOException("the text holds U+FFFF, which is not a character");
            }
            recordChars++;
            if (!cutting && recordChars > maxChars && c != '\n' && c != '\r') {
                startCut();
            }
            if (cutting) {
                skip(c);
            } else {
                take(c);
            }
        }
    }

    /**
     * Copies the characters that mean nothing to the record's structure (not a quote, backslash, delimiter, line
     * break or U+FFFF) as they are, as far as the record's bound allows: most of a file goes through here.
     */
    private void copyPlain() {
        int end = (int) Math.min(
                Math.min(inputEnd, inputPos + (output.length - 4 - outputEnd)), inputPos + (maxChars - recordChars));
        int from = inputPos;
        int at = inputPos;
        char[] in = input;
        boolean[] special = this.special;
        while (at < end) {
            char c = in[at];
            if (c < 128 ? special[c] : c == CUT || c == delimiter) {
                break;
            }
            at++;
        }
        int n = at - from;
        if (n > 0) {
            System.arraycopy(in, from, output, outputEnd, n);
            outputEnd += n;
            inputPos = at;
            recordChars += n;
            if (state == State.FIELD_START) {
                state = State.UNQUOTED;
            }
        }
    }

    private void take(char c) {
        switch (state) {
            case FIELD_START, UNQUOTED -> unquoted(c);
            case QUOTED -> quoted(c);
            case QUOTED_QUOTE -> {
                if (!backslash && c == '"') {
                    emit('"');
                    state = State.QUOTED;
                } else {
                    unquoted(c);
                }
            }
            case QUOTED_ESCAPE -> {
                state = State.QUOTED;
                if (c == '"') {
                    emit('"');
                    emit('"');
                } else if (c == '\\') {
                    emit('\\');
                } else {
                    emit('\\');
                    quoted(c);
                }
            }
        }
    }

    private void unquoted(char c) {
        if (c == '"' && state == State.FIELD_START) {
            state = State.QUOTED;
        } else if (c == delimiter) {
            state = State.FIELD_START;
        } else if (c == '\n' || c == '\r') {
            state = State.FIELD_START;
            recordChars = 0;
        } else {
            state = State.UNQUOTED;
        }
        emit(c);
    }

    private void quoted(char c) {
        if (backslash && c == '\\') {
            state = State.QUOTED_ESCAPE;
            return;
        }
        if (c == '"') {
            state = State.QUOTED_QUOTE;
        }
        emit(c);
    }

    /** Ends what the parser has of the record with {@link #CUT}, leaving it inside a quoted cell or not. */
    private void startCut() {
        cutting = true;
        if (state == State.QUOTED_QUOTE) {
            emit('"'); // with the quote before it, a quote in the cell: the parser stays inside the quotes
            cutInQuotes = true;
        } else {
            cutInQuotes = state == State.QUOTED || state == State.QUOTED_ESCAPE;
        }
        if (state == State.QUOTED_ESCAPE) {
            state = State.QUOTED;
        }
        emit(CUT);
    }

    /** Follows the quotes of a record being cut to its end, keeping only its line breaks. */
    private void skip(char c) {
        boolean recordEnds = false;
        switch (state) {
            case FIELD_START, UNQUOTED -> {
                if (c == '"' && state == State.FIELD_START) {
                    state = State.QUOTED;
                } else if (c == '\n' || c == '\r') {
                    recordEnds = true;
                } else {
                    state = c == delimiter ? State.FIELD_START : State.UNQUOTED;
                }
            }
            case QUOTED -> {
                if (backslash && c == '\\') {
                    state = State.QUOTED_ESCAPE;
                } else if (c == '"') {
                    state = State.QUOTED_QUOTE;
                }
            }
            case QUOTED_QUOTE -> {
                if (!backslash && c == '"') {
                    state = State.QUOTED;
                } else if (c == '\n' || c == '\r') {
                    recordEnds = true;
                } else {
                    state = c == delimiter ? State.FIELD_START : State.UNQUOTED;
                }
            }
            case QUOTED_ESCAPE -> state = State.QUOTED;
        }
        if (recordEnds) {
            recordChars--; // the line break ends the record and is not part of it
            endCut();
            pendingLines++; // the record's end, after its own line breaks
        } else if (c == '\n') {
            pendingLines++;
        }
    }

    /**
     * Ends the cut record for the parser: the quote it is inside of, if any, and then the record's own line
     * breaks (counted in {@link #pendingLines}), which the parser reads as empty lines.
     */
    private void endCut() {
        cutLengths.addLast(recordChars);
        if (cutInQuotes) {
            emit('"');
        }
        cutting = false;
        state = State.FIELD_START;
        recordChars = 0;
    }

    private void emit(char c) {
        output[outputEnd++] = c;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
