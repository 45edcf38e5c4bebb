package io.tagsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Test;

class SandboxServerTest {

    /**
     * A large body that the sandbox refuses without needing it: it reads the body to its end before answering, as
     * a server with a lingering close does. The JDK's server alone reads at most 64 KB of it and then closes the
     * connection with the rest unread, which resets it: a client still sending sees a dropped connection instead
     * of the answer, and the fault mix's refusals would count as dropped connections.
     */
    @Test
    void anInjectedRefusalOfALargeBodyIsAnsweredNotReset() throws IOException {
        byte[] body = ("{\"updates\":[" + "{\"imageId\":\"x\",\"addTags\":[\"t\"]},".repeat(300_000)
                        + "{\"imageId\":\"x\",\"addTags\":[\"t\"]}]}")
                .getBytes(StandardCharsets.UTF_8);
        try (SandboxServer sandbox = SandboxServer.start(
                        new SandboxSettings().workspace("ws").apiKey("key").rateLimitShare(1.0, 0.05),
                        new ImageStore(),
                        0);
                CloseableHttpClient http =
                        HttpClients.custom().disableAutomaticRetries().build()) {
            for (int i = 0; i < 5; i++) {
                HttpPost post = new HttpPost(sandbox.url().resolve("/ws/images/metadata"));
                post.setHeader("Authorization", "Bearer key");
                post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
                int status = http.execute(post, answer -> {
                    EntityUtils.consume(answer.getEntity());
                    return answer.getCode();
                });
                assertThat(status).isEqualTo(429);
            }
        }
    }
}
