package io.tagsync.submission;

import static io.tagsync.ApiWork.RUN;
import static io.tagsync.ApiWork.tag;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.ApiWork;
import io.tagsync.polling.Resubmission;
import io.tagsync.sandbox.SandboxSettings;
import io.tagsync.store.FailedItem;
import io.tagsync.store.RequestStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sending one stored request to the sandbox: what is recorded, and how a refusal is narrowed to its cause. */
class RequestSenderTest {

    @TempDir
    Path spill;

    private ApiWork work;

    @AfterEach
    void stop() {
        work.close();
    }

    private ApiWork start(SandboxSettings settings) throws IOException {
        work = new ApiWork(settings, List.of("a", "b", "c", "d"), spill);
        return work;
    }

    @Test
    void anAcceptedRequestHasItsTaskRecordedAndHandedOn() throws IOException {
        ApiWork work = start(new SandboxSettings().holdTasks(true));
        long id = work.stage(10, List.of(tag("a", "x"), tag("b", "x"), tag("c", "x")))
                .get(0);
        List<Resubmission.Submitted> submitted = new ArrayList<>();

        new RequestSender(work.store).send(work.client(4), RUN, id, submitted::add);

        assertThat(submitted).singleElement().satisfies(one -> {
            assertThat(one.requestId()).isEqualTo(id);
            assertThat(one.attempts()).isEqualTo(1);
        });
        assertThat(work.store.submitted(RUN, 0))
                .singleElement()
                .satisfies(request ->
                        assertThat(request.taskId()).isEqualTo(submitted.get(0).taskId()));
        assertThat(work.sandbox.stats().acceptedBatches()).isEqualTo(1);
    }

    @Test
    void aRefusedRequestIsSplitUntilTheUpdateAtFaultIsAloneAndEveryOtherUpdateIsSent() throws IOException {
        ApiWork work = start(new SandboxSettings().refuseTags(Set.of("bad")).holdTasks(true));
        long id = work.stage(10, List.of(tag("a", "x"), tag("b", "bad"), tag("c", "x"), tag("d", "x")))
                .get(0);
        List<Resubmission.Submitted> submitted = new ArrayList<>();

        new RequestSender(work.store).send(work.client(4), RUN, id, submitted::add);

        assertThat(work.store.request(id).status()).isEqualTo(RequestStatus.SPLIT);
        assertThat(work.store.counts(RUN).requests(RequestStatus.REFUSED))
                .as("b, sent alone and refused")
                .isEqualTo(1);
        List<FailedItem> failed = new ArrayList<>();
        work.store.forEachFailedItem(RUN, failed::add);
        assertThat(failed).singleElement().satisfies(item -> {
            assertThat(item.imageId()).isEqualTo("b");
            assertThat(item.inputRows()).isEqualTo("2");
        });
        assertThat(submitted)
                .as("the parts without b went as batches")
                .isNotEmpty()
                .allSatisfy(
                        part -> assertThat(work.store.request(part.requestId()).status())
                                .isEqualTo(RequestStatus.SUBMITTED));
        assertThat(work.store.requestIds(RUN, RequestStatus.PENDING)).isEmpty();
    }

    @Test
    void aRequestGivenUpMakesEachOfItsImagesAFailedItemWithItsRows() throws IOException {
        ApiWork work = start(new SandboxSettings());
        long id = work.stage(10, List.of(tag("a", "x"), tag("c", "x"))).get(0);

        new RequestSender(work.store).giveUp(RUN, id, "task never ended");

        assertThat(work.store.request(id).status()).isEqualTo(RequestStatus.FAILED);
        List<FailedItem> failed = new ArrayList<>();
        work.store.forEachFailedItem(RUN, failed::add);
        assertThat(failed)
                .extracting(FailedItem::imageId, FailedItem::inputRows, FailedItem::error)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a", "1", "task never ended"),
                        org.assertj.core.groups.Tuple.tuple("c", "2", "task never ended"));
        assertThat(work.sandbox.stats().apiCalls()).isZero();
    }
}
