package io.tagsync.run;

/**
 * How a run's concurrency is spread over this process's threads: the one place where a thread count or a limit is
 * worked out from {@code --concurrency} and the settings. Each partition step works it out once, when its tasklet is
 * made ({@link Partition#concurrency()}).
 *
 * <p>The run's API calls have one throttle: its call limit ({@code api.CallLimit}), shared by every partition of the
 * run in this process, which lets {@code calls} calls be in flight at once, submissions and status requests together
 * (with {@code auto}, an adaptive limit that may grow to {@code calls}). The thread counts here only make sure that
 * enough calls wait on it and that requests in hand stay few:
 *
 * @param calls the most calls of the run in flight at once in this process: {@code --concurrency}, or with
 *     {@code auto} {@code --max-concurrency}
 * @param partitions the run's partitions
 * @param partitionsAtOnce the partitions that work at once in this process: {@code tagsync.partition.at-once}, at
 *     most the partitions and at most {@code calls}
 * @param senders the threads that send one partition's requests: its share of {@code calls}, rounded up, so that the
 *     partitions at once hold about {@code calls} requests in hand
 * @param pollers the threads that follow one partition's tasks while its requests are being sent:
 *     {@code tagsync.await.pollers}, else its share of as many as the senders, or with {@code auto} of half the
 *     most calls (the pollers' calls take from the same limit as the sends, and as many again would poll tasks early);
 *     at least 2
 * @param awaitPollers the threads that follow one partition's tasks once everything is sent: its share of
 *     {@code connections}, at least 2
 * @param connections the HTTP connections of a partition's client: {@code calls} and the pollers, or with
 *     {@code auto} {@code calls}
 */
public record RunConcurrency(
        int calls, int partitions, int partitionsAtOnce, int senders, int pollers, int awaitPollers, int connections) {

    public static RunConcurrency of(RunParameters run, TagsyncProperties settings) {
        int calls = Math.max(1, run.width());
        int partitions = settings.partition().partitions();
        int atOnce = Math.max(1, Math.min(Math.min(settings.partition().atOnce(), partitions), calls));
        int configuredPollers = settings.await().pollers();
        int runPollers = configuredPollers > 0 ? configuredPollers : Math.max(2, run.adaptive() ? calls / 2 : calls);
        int connections = run.adaptive() ? calls : calls + runPollers;
        return new RunConcurrency(
                calls,
                partitions,
                atOnce,
                (calls + atOnce - 1) / atOnce,
                Math.max(2, runPollers / atOnce),
                Math.max(2, connections / atOnce),
                connections);
    }
}
