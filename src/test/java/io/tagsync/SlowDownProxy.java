package io.tagsync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of an S3 server that answers the first {@code refusals} connections itself with
 * {@code 503 SlowDown}, as S3 throttles, and passes every later one through byte for byte (so signed requests stay
 * valid: the Host they were signed for is the proxy's).
 */
public final class SlowDownProxy implements AutoCloseable {

    private static final String SLOW_DOWN = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
            + "<Message>Please reduce your request rate.</Message></Error>";

    private final ServerSocket server;
    private final URI target;
    private final AtomicInteger refusalsLeft;
    private final AtomicInteger refused = new AtomicInteger();
    private final Thread acceptor;

    public SlowDownProxy(URI target, int refusals) throws IOException {
        this.target = target;
        this.refusalsLeft = new AtomicInteger(refusals);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "slow-down-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Connections answered with 503 SlowDown so far. */
    public int refused() {
        return refused.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                if (refusalsLeft.getAndDecrement() > 0) {
                    refuse(client);
                } else {
                    pass(client);
                }
            } catch (IOException e) {
                // this connection failed (the client closed it first, say); the next is served
                closeQuietly(client);
            }
        }
    }

    private void refuse(Socket client) throws IOException {
        try (client) {
            InputStream in = client.getInputStream();
            // the request's head; its body, if any, is left unread (the connection closes)
            StringBuilder head = new StringBuilder();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
                state = (b == '\r' || b == '\n') ? state + 1 : 0;
            }
            byte[] body = SLOW_DOWN.getBytes(StandardCharsets.UTF_8);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (!head.toString().startsWith("HEAD ")) {
                out.write(body); // an answer to HEAD has no body
            }
            out.flush();
            refused.incrementAndGet();
        }
    }

    /** Passes a connection through until either side closes it; then both are closed, as one connection. */
    private void pass(Socket client) throws IOException {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
        pipe(client, upstream);
        pipe(upstream, client);
    }

    private static void pipe(Socket from, Socket to) {
        Thread thread = new Thread(
                () -> {
                    try {
                        from.getInputStream().transferTo(to.getOutputStream());
                    } catch (IOException ignored) {
                        // one side closed
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "slow-down-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
