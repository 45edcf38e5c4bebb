package io.tagsync.input;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;

/**
 * One file of an input, wherever it is kept: a local file, or an object in a store ({@code s3://}). Readers see its
 * bytes only through this: as text (CSV, JSON Lines) or as a Parquet file. Its {@link #toString} names it in
 * messages.
 */
public interface InputPart {

    /** The last part of its path or key, which its format is known by. */
    String name();

    boolean exists();

    long size() throws IOException;

    /** Its text: gzip by its name's {@code .gz}, strict UTF-8, a byte-order mark skipped. */
    Reader openText();

    /** Its bytes as a Parquet reader reads them: the footer, then the column chunks it asks for. */
    InputFile parquetFile();

    static InputPart local(Path file) {
        return new Local(file);
    }

    /** A local file. */
    record Local(Path file) implements InputPart {

        @Override
        public String name() {
            return file.getFileName().toString();
        }

        @Override
        public boolean exists() {
            return Files.exists(file);
        }

        @Override
        public long size() throws IOException {
            return Files.size(file);
        }

        @Override
        public Reader openText() {
            return InputFiles.openText(file);
        }

        @Override
        public InputFile parquetFile() {
            return new LocalInputFile(file);
        }

        @Override
        public String toString() {
            return file.toString();
        }
    }

    /** An object of an {@code s3://} input, as listed: its reads name the version listed (its ETag). */
    record Stored(S3Objects store, S3Objects.StoredObject object) implements InputPart {

        @Override
        public String name() {
            String key = object.location().key();
            return key.substring(key.lastIndexOf('/') + 1);
        }

        @Override
        public boolean exists() {
            return true;
        }

        @Override
        public long size() {
            return object.size();
        }

        @Override
        public Reader openText() {
            return store.openText(object);
        }

        @Override
        public InputFile parquetFile() {
            return store.inputFile(object);
        }

        @Override
        public String toString() {
            return object.location().toString();
        }
    }
}
