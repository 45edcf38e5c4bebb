package io.tagsync.input;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Folder names unescaped as Spark, Hive and DuckDB escape them: {@code %XX} only. */
class PartitionColumnsTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "gate+1|gate+1",
                "gate 1|gate 1",
                "a%3Ab%2Fc%25d%3De|a:b/c%d=e",
                "100%25 sure%3F|100% sure?",
                "%E6%97%A5%E6%9C%AC|日本",
                "日本|日本",
                "50%|50%",
                "%zz|%zz",
                "%4|%4"
            })
    void onlyPercentEscapesAreDecoded(String folder, String value) {
        assertThat(PartitionColumns.unescape(folder)).isEqualTo(value);
    }
}
