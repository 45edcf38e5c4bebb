package io.tagsync.run;

import java.nio.file.Path;

/** Where a run's input is: a local file or folder, or an {@code s3://} object or prefix. */
public sealed interface InputLocation permits InputLocation.Local, S3Location {

    /** {@code --input} as given: {@code s3://...}, or a path (made absolute). */
    static InputLocation parse(String input) {
        return S3Location.isS3(input)
                ? S3Location.parse(input)
                : new Local(Path.of(input).toAbsolutePath().normalize());
    }

    static InputLocation local(Path path) {
        return new Local(path);
    }

    /** A local file, or a folder of them. */
    record Local(Path path) implements InputLocation {

        @Override
        public String toString() {
            return path.toString();
        }
    }
}
