package io.tagsync.staging;

import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.job.JobTestSupport;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StepResults;
import io.tagsync.run.Steps;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/** The stage step alone: what it stores, and that it sends nothing. */
@SpringBatchTest
class StageStepTest extends JobTestSupport {

    @Autowired
    private JobOperatorTestUtils batch;

    @Test
    void storesOneMergedUpdatePerImageAndTheRejectedRows() {
        JobParameters parameters = new RunParameters(
                        fixture("basic.csv"), WORKSPACE, "stage-step", URI.create("http://127.0.0.1:9"), 4, null)
                .toJobParameters();

        JobExecution execution = batch.startStep("stage", parameters, null);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(execution.getStepExecutions())
                .extracting(StepExecution::getStepName)
                .containsExactlyInAnyOrder(Steps.STAGE, Steps.READ_ROWS, Steps.STORE_REQUESTS);
        StepExecution read = execution.getStepExecutions().stream()
                .filter(step -> step.getStepName().equals(Steps.READ_ROWS))
                .findFirst()
                .orElseThrow();
        assertThat(read.getWriteCount()).isEqualTo(8);
        assertThat(read.getReadSkipCount() + read.getProcessSkipCount()).isEqualTo(8);
        assertThat(execution.getExecutionContext().getLong(StepResults.ROWS_READ))
                .isEqualTo(16);
        assertThat(execution.getExecutionContext().getLong(StepResults.ROWS_REJECTED))
                .isEqualTo(8);
        long instance = execution.getJobInstance().getInstanceId();

        List<Map<String, Object>> requests = jdbc.queryForList("""
                SELECT r.seq, r.first_row, r.last_row, r.update_count, r.status, b.payload, b.image_rows
                FROM batch_request r JOIN request_body b ON b.request_id = r.id WHERE r.job_instance_id = ?""", instance);
        assertThat(requests).hasSize(1);
        Map<String, Object> request = requests.get(0);
        assertThat(request)
                .containsEntry("SEQ", 1)
                .containsEntry("FIRST_ROW", 1L)
                .containsEntry("LAST_ROW", 16L)
                .containsEntry("UPDATE_COUNT", 4)
                .containsEntry("STATUS", "PENDING");
        String body = new String(RequestPayloads.body((byte[]) request.get("PAYLOAD")), StandardCharsets.UTF_8);
        JsonMapper json = JsonMapper.builder().build();
        assertThat(json.readTree(body)).isEqualTo(json.readTree("""
                {"updates":[
                  {"imageId":"img-001","metadata":{"exposure_ms":16,"reviewed":true},"removeMetadata":["camera"],
                   "addTags":["truck"],"removeTags":["night"]},
                  {"imageId":"img-002","metadata":{"camera":"south, gate 2","reviewed":false,"lux":120,
                   "batch":"2026-11-01","hdr":true,"exposure_ms":33},"removeMetadata":["legacy"],"removeTags":["todo"]},
                  {"imageId":"img-003","metadata":{"camera":"dock\\nthree"},"addTags":["forklift","pallet"]},
                  {"imageId":"img-missing","metadata":{"camera":"north-02"},"addTags":["person"]}
                ]}"""));
        assertThat(RequestPayloads.imageRows((byte[]) request.get("PAYLOAD"), (byte[]) request.get("IMAGE_ROWS")))
                .containsExactly(
                        new RequestPayloads.ImageRows("img-001", "1,9"),
                        new RequestPayloads.ImageRows("img-002", "2,14"),
                        new RequestPayloads.ImageRows("img-003", "3,10,16"),
                        new RequestPayloads.ImageRows("img-missing", "13"));

        assertThat(jdbc.queryForList(
                        "SELECT row_no FROM rejected_row WHERE job_instance_id = ? ORDER BY row_no",
                        Long.class,
                        instance))
                .containsExactly(4L, 5L, 6L, 7L, 8L, 11L, 12L, 15L);
        assertThat(sandbox.stats().apiCalls()).isZero();
    }
}
