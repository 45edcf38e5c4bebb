package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;

class RunParametersValidatorTest {

    private static TagsyncProperties.Api api(boolean allowPlainHttp) {
        return new TagsyncProperties.Api(
                URI.create("https://api.roboflow.com"),
                null,
                null,
                TagsyncProperties.AuthMode.BEARER,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                8,
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                allowPlainHttp);
    }

    private final RunParametersValidator validator = new RunParametersValidator(api(false));

    private static JobParameters at(String url) {
        return new RunParameters(Path.of("/in.csv"), "ws", "k", URI.create(url), 8, null).toJobParameters();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8089",
                "http://127.3.2.1",
                "http://localhost:9",
                "http://[::1]:8089",
                "https://api.roboflow.com",
                "https://10.0.0.5"
            })
    void theKeyGoesToLoopbackOrOverHttps(String url) {
        assertThatCode(() -> validator.validate(at(url))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.roboflow.com", "http://10.0.0.5:8080", "http://127.0.0.1.example.com"})
    void plainHttpToAnotherHostIsRefusedUnlessAllowedByName(String url) {
        assertThatThrownBy(() -> validator.validate(at(url)))
                .isInstanceOf(InvalidJobParametersException.class)
                .hasMessageContaining("is plain http to another host: the API key would travel in clear")
                .hasMessageContaining("--tagsync.api.allow-key-over-plain-http=true");
        assertThatCode(() -> new RunParametersValidator(api(true)).validate(at(url)))
                .doesNotThrowAnyException();
    }

    @Test
    void aRunsParametersAreCheckedBeforeItStarts() {
        assertThatCode(() -> validator.validate(new RunParameters(
                                Path.of("/in.csv"),
                                "ws",
                                "2026-11-30",
                                URI.create("https://api.roboflow.com"),
                                8,
                                Path.of("reports"),
                                "0.5%",
                                false)
                        .toJobParameters()))
                .doesNotThrowAnyException();

        assertThatThrownBy(() -> validator.validate(new RunParameters(
                                Path.of("/in.csv"), "ws", "k", URI.create("https://api.roboflow.com"), -1, null)
                        .toJobParameters()))
                .isInstanceOf(InvalidJobParametersException.class)
                .hasMessage("--concurrency must be auto or at least 1, not -1");
        assertThatThrownBy(() -> validator.validate(
                        new RunParameters(Path.of("/in.csv"), "ws", "k", URI.create("api.roboflow.com"), 8, null)
                                .toJobParameters()))
                .hasMessageContaining("--api-url must be an absolute");
        assertThatThrownBy(() -> validator.validate(new RunParameters(
                                Path.of("/in.csv"),
                                "ws",
                                "k",
                                URI.create("https://api.roboflow.com"),
                                8,
                                null,
                                "lots",
                                false)
                        .toJobParameters()))
                .hasMessageContaining("--max-rejects takes");
        assertThatThrownBy(() -> validator.validate(
                        new RunParameters(Path.of("/in.csv"), " ", "k", URI.create("https://api.roboflow.com"), 8, null)
                                .toJobParameters()))
                .hasMessage("the run has no workspace");
    }
}
