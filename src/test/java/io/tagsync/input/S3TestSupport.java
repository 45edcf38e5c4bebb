package io.tagsync.input;

import io.tagsync.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** One S3Proxy server a test class, on loopback over a folder of its own, with a client and its inputs' store. */
abstract class S3TestSupport {

    @TempDir
    static Path dir;

    static S3ProxyServer server;
    static S3Client s3;
    static S3Objects objects;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(Files.createDirectories(dir.resolve("store")));
        s3 = server.client();
        objects = new S3Objects(s3);
    }

    @AfterAll
    static void stopServer() throws Exception {
        objects.close();
        server.close();
    }
}
