package io.tagsync.api;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;

/**
 * TLS for API clients, built once per process: the JDK's trust store and the public-suffix list that checks
 * host names take about a quarter of a second to load, which {@link #prepare} moves off a run's path. An
 * {@code http://} URL (the sandbox) builds none. Thread-safe.
 */
final class Tls {

    private static final TlsSocketStrategy NONE = (socket, target, port, attachment, context) -> {
        throw new SSLException("TLS is not set up for an http:// API URL");
    };
    private static CompletableFuture<TlsSocketStrategy> strategy;

    private Tls() {}

    /** Starts building TLS on a thread of its own if {@code url} needs it and nothing has yet. */
    static void prepare(URI url) {
        if (needsTls(url)) {
            started();
        }
    }

    /** TLS for clients of {@code url}: waits for {@link #prepare}'s build, or builds it now. */
    static TlsSocketStrategy forUrl(URI url) {
        return needsTls(url) ? started().join() : NONE;
    }

    private static boolean needsTls(URI url) {
        return !"http".equalsIgnoreCase(url.getScheme());
    }

    private static synchronized CompletableFuture<TlsSocketStrategy> started() {
        if (strategy == null) {
            CompletableFuture<TlsSocketStrategy> building = new CompletableFuture<>();
            Thread builder = new Thread(
                    () -> {
                        try {
                            building.complete(DefaultClientTlsStrategy.createDefault());
                        } catch (RuntimeException | Error e) {
                            building.completeExceptionally(e);
                        }
                    },
                    "tls-setup");
            builder.setDaemon(true);
            builder.start();
            strategy = building;
        }
        return strategy;
    }
}
