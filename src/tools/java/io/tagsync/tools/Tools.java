package io.tagsync.tools;

import io.tagsync.bench.Benchmark;
import io.tagsync.sandbox.SandboxCommand;
import java.util.Arrays;

/**
 * The entry point of the tools jar, which ships apart from the run jar: {@code demo} (the job on the sample data
 * against an in-process sandbox), {@code sandbox} (the sandbox API alone) and {@code bench} (the benchmark).
 * {@code ./run.sh demo|sandbox|bench} starts it with the run jar on the class path; the job never imports it.
 */
public final class Tools {

    private Tools() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "sandbox" -> SandboxCommand.main(rest);
            case "bench" -> Benchmark.main(rest);
            case "demo" -> System.exit(DemoCommand.main(rest));
            default -> {
                System.err.println("usage: tools demo [--sample-data=DIR] | sandbox [--port=N ...] | bench [--quick]");
                System.exit(64);
            }
        }
    }
}
