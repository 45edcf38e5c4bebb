package io.tagsync.job;

import static io.tagsync.Fixtures.BASIC_IMAGES;
import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.RunParameters;
import io.tagsync.run.Steps;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The submit, await and report steps, each run after the steps before it in one job execution (the API work reads
 * what staging stored for the job instance), against the sandbox.
 */
@SpringBatchTest
class ApiStepsTest extends JobTestSupport {

    @Autowired
    private JobOperatorTestUtils batch;

    @Autowired
    private JobRepository jobRepository;

    @Autowired
    private Step stageStep;

    @Autowired
    private Step submitStep;

    @Autowired
    private Step awaitStep;

    @Autowired
    private Step reportStep;

    /**
     * A job execution and its steps by name (the step scope's test listener takes any method of the test that returns a
     * JobExecution or a StepExecution for a factory of its own, so none here does).
     */
    private record Ran(JobExecution execution, Map<String, StepExecution> steps) {}

    private Ran runSteps(String runKey, Step... steps) {
        FlowBuilder<Flow> flow = new FlowBuilder<Flow>(runKey).start(steps[0]);
        for (int i = 1; i < steps.length; i++) {
            flow.next(steps[i]);
        }
        Step inOrder = new StepBuilder(runKey, jobRepository).flow(flow.build()).build();
        RunParameters run =
                new RunParameters(fixture("basic.csv"), WORKSPACE, runKey, sandbox.url(), 2, reportDir(runKey));
        JobExecution execution = batch.startStep(inOrder, run.toJobParameters(), null);
        return new Ran(
                execution,
                execution.getStepExecutions().stream()
                        .collect(Collectors.toMap(StepExecution::getStepName, Function.identity())));
    }

    private List<Map<String, Object>> requests(Ran ran) {
        return jdbc.queryForList(
                "SELECT status, task_id FROM batch_request WHERE job_instance_id = ?",
                ran.execution().getJobInstance().getInstanceId());
    }

    @Test
    void theSubmitStepSendsEachStagedRequestOnceAndRecordsItsTask() {
        store.seed(BASIC_IMAGES);

        Ran ran = runSteps("submit-step", stageStep, submitStep);

        assertThat(ran.execution().getStatus())
                .as("%s", ran.execution().getAllFailureExceptions())
                .isEqualTo(BatchStatus.COMPLETED);
        assertThat(ran.steps().get(Steps.SUBMIT).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ran.steps().get(Steps.SUBMIT_PARTITION + ":part0").getWriteCount())
                .isEqualTo(1);
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(1);
        assertThat(requests(ran)).singleElement().satisfies(request -> {
            assertThat(request.get("TASK_ID")).isNotNull();
            assertThat(request.get("STATUS")).isIn("SUBMITTED", "COMPLETED");
        });
    }

    @Test
    void theAwaitStepFollowsEveryTaskToItsEndAndTheReportStepReportsIt() throws IOException {
        store.seed(BASIC_IMAGES);

        Ran ran = runSteps("await-step", stageStep, submitStep, awaitStep, reportStep);

        // the report step ends COMPLETED_WITH_FAILURES (rejected rows, a failed image), which ends the steps' flow
        assertThat(ran.steps().get(Steps.REPORT).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ran.steps().get(Steps.REPORT).getExitStatus().getExitCode()).isEqualTo("COMPLETED_WITH_FAILURES");
        assertThat(ran.steps().get(Steps.AWAIT_PARTITION + ":part0").getStatus())
                .isEqualTo(BatchStatus.COMPLETED);
        assertThat(requests(ran))
                .singleElement()
                .satisfies(request -> assertThat(request.get("STATUS")).isEqualTo("COMPLETED"));
        assertThat(actualState(BASIC_IMAGES)).isEqualTo(expectedState(fixture("basic.expected.json")));
        assertThat(Files.readAllLines(reportDir("await-step").resolve("failed-items.csv")))
                .hasSize(2)
                .last()
                .asString()
                .startsWith("img-missing,");
        assertThat(Files.readString(reportDir("await-step").resolve("summary.json")))
                .contains("\"rejected\" : 8");
    }
}
