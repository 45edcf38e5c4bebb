package io.tagsync.input;

import org.springframework.stereotype.Component;

/**
 * The process's client of the object store its {@code s3://} inputs are in, made on first use (a run of local files
 * never makes one) and closed with the application. Thread-safe.
 */
@Component
public class S3Store implements AutoCloseable {

    private S3Objects objects;

    public synchronized S3Objects objects() {
        if (objects == null) {
            objects = S3Objects.connect(null, System.getenv());
        }
        return objects;
    }

    @Override
    public synchronized void close() {
        if (objects != null) {
            objects.close();
            objects = null;
        }
    }
}
