package io.tagsync.input;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 and refuses anything else, naming the line of the first bad byte: an
 * {@link InvalidUtf8Exception} with the line number, counted over the text decoded before it. Not
 * thread-safe.
 */
final class StrictUtf8Reader extends Reader {

    /** The input is not UTF-8 at {@code line}. */
    static final class InvalidUtf8Exception extends IOException {
        final long line;

        InvalidUtf8Exception(long line) {
            super("not valid UTF-8 at line " + line);
            this.line = line;
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private final CharBuffer chars = CharBuffer.allocate(1 << 16);
    private long newlines;
    private boolean endOfInput;
    private boolean flushed;

    StrictUtf8Reader(InputStream in) {
        this.in = in;
        bytes.flip();
        chars.flip();
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(length, chars.remaining());
        chars.get(target, offset, n);
        return n;
    }

    /** Decodes more text; false at the end. */
    private boolean fill() throws IOException {
        if (flushed) {
            return false; // read to its end: asked again, it stays there
        }
        chars.clear();
        while (true) {
            if (!endOfInput && bytes.remaining() < 8) {
                bytes.compact();
                int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (read < 0) {
                    endOfInput = true;
                } else {
                    bytes.position(bytes.position() + read);
                }
                bytes.flip();
            }
            CoderResult result = decoder.decode(bytes, chars, endOfInput);
            if (result.isError()) {
                chars.flip();
                countNewlines();
                throw new InvalidUtf8Exception(newlines + 1);
            }
            if (endOfInput && result.isUnderflow()) {
                decoder.flush(chars);
                flushed = true;
                chars.flip();
                countNewlines();
                return chars.hasRemaining();
            }
            if (chars.position() > 0 && (result.isOverflow() || !bytes.hasRemaining() || bytes.remaining() < 8)) {
                chars.flip();
                countNewlines();
                return true;
            }
        }
    }

    private void countNewlines() {
        for (int i = chars.position(); i < chars.limit(); i++) {
            if (chars.get(i) == '\n') {
                newlines++;
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
