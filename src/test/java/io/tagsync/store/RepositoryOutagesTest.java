package io.tagsync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.CannotCreateTransactionException;

class RepositoryOutagesTest {

    private static RepositoryOutages outages(Duration grace) {
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource("jdbc:h2:mem:outages", true);
        return new RepositoryOutages(new DataSourceTransactionManager(dataSource), grace);
    }

    @Test
    void anOperationThatCannotReachTheDatabaseIsTriedAgainUntilItCan() {
        AtomicInteger tries = new AtomicInteger();
        String result = outages(Duration.ofSeconds(30)).ride("reading", () -> {
            if (tries.incrementAndGet() < 3) {
                throw new CannotGetJdbcConnectionException(
                        "Failed to obtain JDBC Connection", new SQLTransientConnectionException("timed out"));
            }
            return "read";
        });
        assertThat(result).isEqualTo("read");
        assertThat(tries).hasValue(3);
    }

    @Test
    void aStatementThatIsWrongFailsAtOnce() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> outages(Duration.ofSeconds(30)).ride("writing", () -> {
                    tries.incrementAndGet();
                    throw new DataIntegrityViolationException("duplicate key");
                }))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(tries).hasValue(1);
    }

    @Test
    void anOutageLongerThanTheGraceEndsWithAnErrorThatSaysSo() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> outages(Duration.ofMillis(600)).ride("recording finished tasks", () -> {
                    tries.incrementAndGet();
                    throw new CannotCreateTransactionException(
                            "Could not open JDBC Connection", new SQLException("Connection refused", "08001"));
                }))
                .isInstanceOf(RepositoryOutages.RepositoryUnreachableException.class)
                .hasMessageContaining("out of reach")
                .hasMessageContaining("while recording finished tasks")
                .hasMessageContaining("Connection refused");
        assertThat(tries.get()).isBetween(2, 5);
    }

    @Test
    void connectionFailuresAreToldFromOtherErrors() {
        assertThat(RepositoryOutages.unreachable(new SQLException("terminating connection", "57P01")))
                .isTrue();
        assertThat(RepositoryOutages.unreachable(new SQLException("connection closed", "08003")))
                .isTrue();
        assertThat(RepositoryOutages.unreachable(new RuntimeException(new SQLTransientConnectionException("pool"))))
                .isTrue();
        assertThat(RepositoryOutages.unreachable(new SQLException("syntax error", "42601")))
                .isFalse();
        assertThat(RepositoryOutages.unreachable(new SQLException("disk full", "90028")))
                .isFalse();
        assertThat(RepositoryOutages.unreachable(new SQLNonTransientConnectionException(
                        "The database has been closed", "90098", new IOException("No space left on device"))))
                .as("H2 closes the database on a full disk: nothing to wait for")
                .isFalse();
        assertThat(RepositoryOutages.unreachable(new RepositoryOutages.RepositoryUnreachableException("gave up", null)))
                .as("an outage already waited for is not waited for again")
                .isFalse();
    }
}
