package io.tagsync.input;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens input files as strict UTF-8 text: gzip by extension, a byte-order mark skipped, bad bytes an error
 * naming their line ({@link #utf8Line}).
 */
public final class InputFiles {

    private InputFiles() {}

    public static Reader openText(Path file) {
        if (!Files.exists(file)) {
            throw new InputException(file + ": no such file");
        }
        try {
            return openText(
                    Files.newInputStream(file),
                    file.toString(),
                    file.getFileName().toString().endsWith(".gz"));
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new InputException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@code raw}, the bytes of the input {@code name}, as text; closed here if this fails. */
    public static Reader openText(InputStream raw, String name, boolean gzipped) {
        InputStream in = raw;
        try {
            in = new BufferedInputStream(raw, 1 << 16);
            if (gzipped) {
                try {
                    in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
                } catch (IOException notGzip) {
                    throw new InputException(name + ": not a gzip file (" + notGzip.getMessage() + ")");
                }
            }
            Reader reader = new StrictUtf8Reader(in);
            PushbackReader pushback = new PushbackReader(reader, 1);
            int first = pushback.read();
            if (first != -1 && first != '\uFEFF') {
                pushback.unread(first);
            }
            return pushback;
        } catch (StrictUtf8Reader.InvalidUtf8Exception e) {
            closeQuietly(in);
            throw new InputException(name + ": line " + e.line + ": not valid UTF-8", e);
        } catch (IOException e) {
            closeQuietly(in);
            throw new InputException(name + ": cannot be read: " + e.getMessage(), e);
        } catch (InputException e) {
            closeQuietly(in);
            throw e;
        }
    }

    /** The line of the bad byte when {@code e} comes from reading text that is not UTF-8, else -1. */
    public static long utf8Line(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StrictUtf8Reader.InvalidUtf8Exception invalid) {
                return invalid.line;
            }
        }
        return -1;
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }
}
