package io.tagsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.api.TaskStatus.FailedItem;
import io.tagsync.api.TaskStatus.Phase;
import io.tagsync.api.TaskStatus.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * Answers recorded from the sandbox in the docs' shape and the lean one (under {@code answers/}), and the other
 * shapes the API may send, read for what tagsync needs.
 */
class AnswersTest {

    private static byte[] answer(String name) throws IOException {
        try (InputStream in = AnswersTest.class.getResourceAsStream("/answers/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptedBatchesGiveTheirTaskAndUrlInEitherShape() throws IOException {
        TaskRef docs = Answers.taskRef(answer("docs-202.json"));
        assertThat(docs.taskId()).isEqualTo("d00f72ed-2364-4322-88ff-b8e67bdf1f09");
        assertThat(docs.url()).isEqualTo("/acme/asynctasks/d00f72ed-2364-4322-88ff-b8e67bdf1f09");

        TaskRef lean = Answers.taskRef(answer("lean-202.json"));
        assertThat(lean.taskId()).isEqualTo("633d3c34-c7f7-43fd-a198-ef931a33fd63");
        assertThat(lean.url()).startsWith("http://127.0.0.1:18082/acme/asynctasks/");

        assertThat(Answers.taskRef(json("{\"status\":\"queued\"}")).taskId()).isNull();
        assertThat(Answers.taskRef(json("")).taskId()).isNull();
        assertThat(Answers.taskRef(json("<html>OK</html>")).taskId()).isNull();
        assertThat(Answers.taskRef(json("{\"task_id\":42}")).taskId()).isEqualTo("42");
    }

    @Test
    void waitingStatusesInAnyCaseAndEveryProgressForm() throws IOException {
        TaskStatus created = Answers.taskStatus(answer("docs-early.json"));
        assertThat(created.phase()).isEqualTo(Phase.WAITING);
        assertThat(created.progress()).isNull();
        assertThat(Answers.taskStatus(answer("docs-later.json")).progress()).isEqualTo(new Progress(1, 5));

        assertThat(Answers.taskStatus(answer("lean-early.json")).phase()).isEqualTo(Phase.WAITING);
        TaskStatus inProgress = Answers.taskStatus(answer("lean-later.json"));
        assertThat(inProgress.status()).isEqualTo("IN_PROGRESS");
        assertThat(inProgress.phase()).isEqualTo(Phase.WAITING);
        assertThat(inProgress.progress()).isEqualTo(new Progress(1, 5));
        assertThat(Answers.taskStatus(answer("lean-running.json")).progress()).isNull();

        for (String status : new String[] {"created", "pending", "Queued", "RUNNING", "in_progress"}) {
            assertThat(Answers.taskStatus(json("{\"status\":\"" + status + "\",\"progress\":7}"))
                            .phase())
                    .as(status)
                    .isEqualTo(Phase.WAITING);
        }
    }

    @Test
    void completedTasksGiveTheirFailedItemsWithTheReasonFromWhicheverFieldItCameIn() throws IOException {
        TaskStatus docs = Answers.taskStatus(answer("docs-completed.json"));
        assertThat(docs.phase()).isEqualTo(Phase.COMPLETED);
        assertThat(docs.failedItems())
                .containsExactly(
                        new FailedItem("img-2", "Image not found"),
                        new FailedItem("img-3", "Image not found"),
                        new FailedItem("img-5", "Image not found"));

        TaskStatus lean = Answers.taskStatus(answer("lean-completed.json"));
        assertThat(lean.phase()).isEqualTo(Phase.COMPLETED);
        assertThat(lean.failedItems())
                .containsExactly(
                        new FailedItem("img-2", "Image not found"),
                        new FailedItem("img-3", "Image not found"),
                        new FailedItem("img-5", "{\"detail\":\"Image not found\",\"code\":404}"));

        TaskStatus bare = Answers.taskStatus(json("{\"status\":\"Completed\",\"result\":null}"));
        assertThat(bare.phase()).isEqualTo(Phase.COMPLETED);
        assertThat(bare.failedItems()).isEmpty();
        TaskStatus oddItems = Answers.taskStatus(json("""
                {"status":"completed","result":{"failedItems":[{"imageId":"a","error":null,"reason":"gone"},
                 {"imageId":"b"},"c",{"imageId":"d","message":"  two\\n lines  "}]}}"""));
        assertThat(oddItems.failedItems())
                .containsExactly(
                        new FailedItem("a", "gone"),
                        new FailedItem("b", "failed without a reason"),
                        new FailedItem("c", "failed without a reason"),
                        new FailedItem("d", "two lines"));
    }

    @Test
    void failedAndUnknownStatusesGiveTheirError() throws IOException {
        TaskStatus docs = Answers.taskStatus(answer("docs-failed.json"));
        assertThat(docs.phase()).isEqualTo(Phase.FAILED);
        assertThat(docs.error()).isEqualTo("Task failed: worker lost");
        TaskStatus lean = Answers.taskStatus(answer("lean-failed.json"));
        assertThat(lean.phase()).isEqualTo(Phase.FAILED);
        assertThat(lean.error()).isEqualTo("Task failed: worker lost");
        assertThat(Answers.taskStatus(json("{\"status\":\"failed\"}")).error()).isNull();

        TaskStatus cancelled = Answers.taskStatus(answer("lean-unknown-status.json"));
        assertThat(cancelled.phase()).isEqualTo(Phase.UNKNOWN);
        assertThat(cancelled.isFinal()).isTrue();
        assertThat(cancelled.status()).isEqualTo("cancelled");
    }

    @Test
    void anAnswerWithoutAStatusIsUnreadable() {
        assertThatThrownBy(() -> Answers.taskStatus(json("{\"taskId\":\"t\"}"))).hasMessageContaining("no status");
        assertThatThrownBy(() -> Answers.taskStatus(json("<html><title>OK</title></html>")))
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void errorBodiesBecomeOneReadableLine() throws IOException {
        assertThat(Answers.errorReason(new String(answer("docs-404.json"), StandardCharsets.UTF_8)))
                .isEqualTo("Task not found");
        assertThat(Answers.errorReason(new String(answer("lean-404.json"), StandardCharsets.UTF_8)))
                .isEqualTo("Task not found");
        assertThat(Answers.errorReason(new String(answer("lean-429.json"), StandardCharsets.UTF_8)))
                .isEqualTo("Too many requests");
        assertThat(Answers.errorReason(new String(answer("docs-413.json"), StandardCharsets.UTF_8)))
                .isEqualTo("Request body too large: 193 bytes, at most 10");
        assertThat(Answers.errorReason(new String(answer("error-gateway.html"), StandardCharsets.UTF_8)))
                .isEqualTo("502 Bad Gateway");
        assertThat(Answers.errorReason(
                        "<html><body><h1>Service\n  Unavailable</h1><p>" + "x".repeat(5000) + "</p></body></html>"))
                .isEqualTo("Service Unavailable");
        assertThat(Answers.errorReason("<!DOCTYPE html><html><body><p>oops</p></body></html>"))
                .isEqualTo("an HTML page");
        assertThat(Answers.errorReason("upstream connect error\nor disconnect"))
                .isEqualTo("upstream connect error or disconnect");
        assertThat(Answers.errorReason("{\"detail\":\"x\"}")).isEqualTo("{\"detail\":\"x\"}");
        assertThat(Answers.errorReason("   ")).isEmpty();
        assertThat(Answers.errorReason("y".repeat(2000))).hasSizeLessThan(400);
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        ZonedDateTime now = ZonedDateTime.of(2026, 11, 30, 11, 27, 17, 0, ZoneOffset.UTC);
        assertThat(Answers.retryAfter("2", now)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Answers.retryAfter("0.25", now)).isEqualTo(Duration.ofMillis(250));
        assertThat(Answers.retryAfter("Mon, 30 Nov 2026 11:27:20 GMT", now)).isEqualTo(Duration.ofSeconds(3));
        assertThat(Answers.retryAfter("Mon, 30 Nov 2026 11:27:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(Answers.retryAfter(null, now)).isNull();
        assertThat(Answers.retryAfter("soon", now)).isNull();
        assertThat(Answers.retryAfter("-5", now)).isEqualTo(Duration.ZERO);
    }
}
