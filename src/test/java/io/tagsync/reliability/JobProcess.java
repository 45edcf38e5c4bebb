package io.tagsync.reliability;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tagsync run} in a process of its own, as a scheduler starts it: its own JVM, the H2 repository in a
 * file, the key in the environment, output in a log file. The process can be killed ({@code kill -9}) or
 * stopped ({@code SIGTERM}) at any moment.
 */
final class JobProcess {

    private final Process process;
    private final Path log;

    private JobProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static JobProcess start(
            Path workDir,
            Path input,
            String workspace,
            String runKey,
            URI apiUrl,
            String apiKey,
            int concurrency,
            Path log,
            List<String> extra)
            throws IOException {
        List<String> arguments = new ArrayList<>(List.of(
                "run",
                "--input=" + input,
                "--workspace=" + workspace,
                "--run-key=" + runKey,
                "--api-url=" + apiUrl,
                "--concurrency=" + concurrency,
                "--report-dir=" + workDir.resolve("reports").resolve(runKey),
                "--tagsync.api.initial-backoff=20ms",
                "--tagsync.api.max-backoff=200ms",
                "--tagsync.await.first-poll=200ms",
                "--tagsync.await.max-poll-interval=500ms",
                // sandbox tasks take at most 2 s here: only a stuck one is open after 5 s
                "--tagsync.await.task-timeout=5s"));
        // a setting given in extra replaces the one above (Spring would join the two values)
        for (String setting : extra) {
            String name = setting.contains("=") ? setting.substring(0, setting.indexOf('=') + 1) : setting;
            arguments.removeIf(argument -> argument.startsWith(name));
        }
        arguments.addAll(extra);
        return tagsync(workDir, apiKey, log, arguments);
    }

    /** Any tagsync command ({@code run}, {@code worker}) in a JVM of its own, on the tests' class path. */
    static JobProcess tagsync(Path workDir, String apiKey, Path log, List<String> arguments) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dsun.net.httpserver.nodelay=true",
                "-cp",
                classPath,
                "io.tagsync.TagsyncApplication"));
        command.addAll(arguments);
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("ROBOFLOW_API_KEY", apiKey);
        return new JobProcess(builder.start(), log);
    }

    long pid() {
        return process.pid();
    }

    /** The job's default repository (application.yml's URL) as the process sees it from its working folder. */
    static String databaseUrl(Path workDir) {
        return "jdbc:h2:file:" + workDir.resolve("data").resolve("tagsync");
    }

    /** Waits until the log holds {@code text}; false if the process ended or the time ran out first. */
    boolean awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** {@code kill -9}: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** {@code SIGSTOP}: the process stands still, as in a VM pause or a long GC, its connections open. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** {@code SIGCONT} after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor();
        if (exit != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " ended " + exit);
        }
    }

    /** What the process wrote so far. */
    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** {@code SIGTERM}, without waiting. */
    void signal() {
        process.destroy();
    }

    /** {@code SIGTERM}, then the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not stop within " + timeout);
        }
        return process.exitValue();
    }

    int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not end within " + timeout);
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }
}
