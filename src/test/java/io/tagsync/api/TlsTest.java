package io.tagsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.net.URI;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.junit.jupiter.api.Test;

class TlsTest {

    @Test
    void anHttpsUrlGetsTheDefaultTlsBuiltOnceAndPreparedAhead() {
        URI api = URI.create("https://api.roboflow.com");
        Tls.prepare(api);
        TlsSocketStrategy first = Tls.forUrl(api);
        assertThat(first).isInstanceOf(DefaultClientTlsStrategy.class);
        assertThat(Tls.forUrl(URI.create("https://other.example"))).isSameAs(first);
    }

    @Test
    void anHttpUrlBuildsNoTlsAndRefusesToUpgrade() throws Exception {
        TlsSocketStrategy none = Tls.forUrl(URI.create("http://127.0.0.1:8080"));
        assertThat(none).isNotInstanceOf(DefaultClientTlsStrategy.class);
        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> none.upgrade(socket, "127.0.0.1", 8080, null, null))
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining("http://");
        }
    }
}
