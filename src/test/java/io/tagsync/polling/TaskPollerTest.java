package io.tagsync.polling;

import static io.tagsync.ApiWork.RUN;
import static io.tagsync.ApiWork.tag;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tagsync.ApiWork;
import io.tagsync.api.RoboflowClient;
import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.sandbox.SandboxSettings;
import io.tagsync.store.FailedItem;
import io.tagsync.store.RequestStatus;
import io.tagsync.submission.RequestSender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following tasks on the sandbox until each is final, and what the poller records of them. */
class TaskPollerTest {

    private static final TagsyncProperties.Await FAST =
            new TagsyncProperties.Await(2, Duration.ofMillis(20), Duration.ofMillis(100), 3, Duration.ofMinutes(1));

    @TempDir
    Path spill;

    private ApiWork work;

    @AfterEach
    void stop() {
        work.close();
    }

    private TaskPoller poller(RoboflowClient client, AtomicBoolean stop) {
        return new TaskPoller(
                new RunParameters(Path.of("in.csv"), ApiWork.WORKSPACE, "k", work.sandbox.url(), 4, null),
                RUN,
                client,
                work.store,
                new RequestSender(work.store),
                stop::get,
                FAST,
                2,
                new TagsyncMetrics(new SimpleMeterRegistry()));
    }

    /** Sends every pending request and tracks its task. */
    private void sendAll(RoboflowClient client, TaskPoller poller) {
        RequestSender sender = new RequestSender(work.store);
        for (long id : work.store.requestIds(RUN, RequestStatus.PENDING)) {
            sender.send(client, RUN, id, poller);
        }
    }

    @Test
    void completedTasksAreRecordedWithTheImagesTheServerCouldNotUpdate() throws Exception {
        work = new ApiWork(new SandboxSettings().taskMillis(10, 50), List.of("a", "b", "c"), spill);
        work.stage(2, List.of(tag("a", "x"), tag("b", "x"), tag("c", "x"), tag("zz", "x")));
        RoboflowClient client = work.client(4);

        try (TaskPoller poller = poller(client, new AtomicBoolean())) {
            sendAll(client, poller);
            assertThat(poller.awaitAll((finished, open) -> {})).isTrue();
            assertThat(poller.finished()).isEqualTo(2);
        }

        assertThat(work.store.counts(RUN).requests(RequestStatus.COMPLETED)).isEqualTo(2);
        assertThat(work.store.counts(RUN).succeededImages()).isEqualTo(3);
        List<FailedItem> failed = new ArrayList<>();
        work.store.forEachFailedItem(RUN, failed::add);
        assertThat(failed)
                .singleElement()
                .satisfies(item -> assertThat(item.imageId()).isEqualTo("zz"));
        for (String image : List.of("a", "b", "c")) {
            assertThat(work.images.image(image).orElseThrow().tags()).containsExactly("x");
        }
    }

    @Test
    void aTaskThatFailsOnEveryAttemptIsSplitAndTheOtherImagesAreApplied() throws Exception {
        work = new ApiWork(
                new SandboxSettings().taskMillis(5, 20).failTasksWith(Set.of("b")), List.of("a", "b", "c", "d"), spill);
        work.stage(4, List.of(tag("a", "x"), tag("b", "x"), tag("c", "x"), tag("d", "x")));
        RoboflowClient client = work.client(4);

        try (TaskPoller poller = poller(client, new AtomicBoolean())) {
            sendAll(client, poller);
            assertThat(poller.awaitAll((finished, open) -> {})).isTrue();
        }

        for (String image : List.of("a", "c", "d")) {
            assertThat(work.images.image(image).orElseThrow().tags()).containsExactly("x");
        }
        assertThat(work.store.requestIds(RUN, RequestStatus.PENDING)).isEmpty();
        assertThat(work.store.requestIds(RUN, RequestStatus.SUBMITTED)).isEmpty();
        assertThat(work.store.counts(RUN).requests(RequestStatus.SPLIT)).isPositive();
    }

    @Test
    void aStopLeavesTheOpenTasksSubmittedForTheNextRun() throws Exception {
        work = new ApiWork(new SandboxSettings().holdTasks(true), List.of("a", "b"), spill);
        work.stage(10, List.of(tag("a", "x"), tag("b", "x")));
        RoboflowClient client = work.client(4);
        AtomicBoolean stop = new AtomicBoolean();

        try (TaskPoller poller = poller(client, stop)) {
            sendAll(client, poller);
            stop.set(true);
            assertThat(poller.awaitAll((finished, open) -> {})).isFalse();
        }

        assertThat(work.store.submitted(RUN, 0)).hasSize(1);
        assertThat(work.store.counts(RUN).requests(RequestStatus.COMPLETED)).isZero();
    }
}
