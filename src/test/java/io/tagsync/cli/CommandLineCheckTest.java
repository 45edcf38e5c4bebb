package io.tagsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A mistyped option or setting is refused before anything runs, naming it and the nearest known one. */
class CommandLineCheckTest {

    private static String problem(String line) {
        return CommandLineCheck.problem(line.split(" ")).orElse("none");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "run --input=a.csv --workspace=w --dryrun | unknown option --dryrun for run; did you mean --dry-run?",
                "run --input=a.csv --workspace=w --concurency=8 | unknown option --concurency for run; did you mean --concurrency?",
                "run --input=a.csv --workspace=w --chnged-only | unknown option --chnged-only for run; did you mean --changed-only?",
                "run --input=a.csv --workspace=w --tagsync.input.csv-escpe=backslash | unknown setting --tagsync.input.csv-escpe; did you mean --tagsync.input.csv-escape?",
                "run --input=a.csv --workspace=w --tagsync.submit.concurency=8 | unknown setting --tagsync.submit.concurency; did you mean --tagsync.submit.concurrency?",
                "status --jsn | unknown option --jsn for status; did you mean --json?",
                "worker --input=a.csv | unknown option --input for worker",
                "statsu | unknown command 'statsu'; did you mean --status?",
                "run a.csv | unexpected argument 'a.csv' (options are --name or --name=value)",
            })
    void refusesWhatItDoesNotKnowNamingTheNearest(String line, String problem) {
        assertThat(problem(line)).isEqualTo(problem.replace("--status", "status"));
    }

    @ParameterizedTest
    @CsvSource({
        "run --input=a.csv --workspace=w --dry-run --run-key=k --api-url=http://127.0.0.1:9 --remote",
        "run --input=a --workspace=w --tagsync.input.columns.image_id=imageId --tagsync.input.csvEscape=backslash",
        "run --input=a --workspace=w --tagsync.input.ignore-columns[0]=notes --tagsync.notify.webhook-url=https://h",
        "run --input=a --workspace=w --spring.datasource.url=jdbc:h2:mem:x --logging.level.root=INFO --debug",
        "status --run=3 --json",
        "worker --tagsync.partition.at-once=2 --tagsync.partition.worker-timeout=20s"
    })
    void passesWhatItKnowsInTheFormsSpringBinds(String line) {
        assertThat(problem(line)).isEqualTo("none");
    }

    private static Stream<Path> walk(String folder) {
        try {
            return Files.walk(Path.of(folder));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Every {@code --tagsync.*} setting the project names, in the README and docs, the configuration examples, the
     * benchmark and the tests that start tagsync as a process, is one the check knows.
     */
    @Test
    void everySettingTheProjectNamesIsKnown() throws IOException {
        Pattern setting = Pattern.compile("--(tagsync\\.[a-z.-]*[a-z])");
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(
                Stream.of(Path.of("README.md")),
                Stream.of("config", "docs", "src/test/java/io/tagsync/reliability", "src/tools/java")
                        .flatMap(CommandLineCheckTest::walk))) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(file -> !file.toString().endsWith(".png"))
                    .toList()) {
                Matcher match = setting.matcher(Files.readString(file));
                while (match.find()) {
                    named.add(match.group(1));
                }
            }
        }
        assertThat(named).hasSizeGreaterThan(10);
        assertThat(named)
                .allSatisfy(name ->
                        assertThat(CommandLineCheck.isSetting(name)).as(name).isTrue());
    }
}
