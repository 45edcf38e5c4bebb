package io.tagsync.polling;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.store.Outcome;
import io.tagsync.store.RequestStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeBatchTest {

    private static Outcome completed(long requestId) {
        return new Outcome(requestId, RequestStatus.COMPLETED, null, List.of());
    }

    @Test
    void givesNothingUntilTheBatchIsFullThenAllOfIt() {
        OutcomeBatch batch = new OutcomeBatch(3, Duration.ofHours(1).toNanos());
        batch.add(completed(1));
        batch.add(completed(2));
        assertThat(batch.take(false)).isEmpty();
        batch.add(completed(3));
        assertThat(batch.take(false)).extracting(Outcome::requestId).containsExactly(1L, 2L, 3L);
        assertThat(batch.take(true)).isEmpty();
    }

    @Test
    void givesABatchOnceItsOldestOutcomeIsOldEnough() throws InterruptedException {
        OutcomeBatch batch = new OutcomeBatch(100, Duration.ofMillis(30).toNanos());
        batch.add(completed(1));
        assertThat(batch.take(false)).isEmpty();
        Thread.sleep(40);
        batch.add(completed(2));
        assertThat(batch.take(false)).extracting(Outcome::requestId).containsExactly(1L, 2L);
    }

    @Test
    void givesWhateverItHoldsWhenAskedForItNow() {
        OutcomeBatch batch = new OutcomeBatch(100, Duration.ofHours(1).toNanos());
        assertThat(batch.take(true)).isEmpty();
        batch.add(completed(7));
        assertThat(batch.take(true)).extracting(Outcome::requestId).containsExactly(7L);
    }
}
