package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.store.RunLock;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RunLockTest extends JobTestSupport {

    @Autowired
    private DataSource dataSource;

    @Test
    void aSecondHolderIsRefusedUntilTheFirstLetsGo() throws SQLException {
        Optional<RunLock> first = RunLock.tryAcquire(dataSource, "run-a");
        assertThat(first).isPresent();
        try (RunLock other = RunLock.tryAcquire(dataSource, "run-b").orElseThrow()) {
            assertThat(RunLock.tryAcquire(dataSource, "run-a")).isEmpty();
        }
        first.get().close();
        Optional<RunLock> again = RunLock.tryAcquire(dataSource, "run-a");
        assertThat(again).isPresent();
        again.get().close();
    }
}
