package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.run.RunParameters;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;

class RunParametersValidatorTest {

    private final RunParametersValidator validator = new RunParametersValidator();

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
