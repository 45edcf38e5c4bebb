package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.net.URI;
import org.springframework.stereotype.Component;

/**
 * The process's client of the object store its {@code s3://} inputs are in ({@code tagsync.object-store.endpoint},
 * else the SDK's settings), made on first use (a run of local files never makes one) and closed with the
 * application. Thread-safe.
 */
@Component
public class S3Store implements AutoCloseable {

    private final URI endpoint;
    private S3Objects objects;

    public S3Store(TagsyncProperties properties) {
        this.endpoint = properties.objectStore().endpoint();
    }

    public synchronized S3Objects objects() {
        if (objects == null) {
            objects = S3Objects.connect(endpoint, System.getenv());
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
