package io.tagsync.cli;

import io.tagsync.run.NotifySettings;
import io.tagsync.run.OptionNames;
import io.tagsync.run.TagsyncProperties;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses a command line with an option its command does not take, or a {@code --tagsync.*} setting that does
 * not exist, before anything starts: a mistyped {@code --dryrun} must not send everything. Each problem names
 * the option and the nearest known one. Spring's own settings ({@code --spring.*}, {@code --logging.*}) pass,
 * as they are meant to.
 */
public final class CommandLineCheck {

    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "run",
            Set.of(
                    "input",
                    "workspace",
                    "run-key",
                    "api-url",
                    "concurrency",
                    "max-concurrency",
                    "report-dir",
                    "max-rejects",
                    "dry-run",
                    "changed-only",
                    "full",
                    "format",
                    "remote"),
            "status",
            Set.of("json", "run", "workspace", "limit", "unfinished"),
            "worker",
            Set.of());

    private static final List<String> PASSED_ON = List.of("spring.", "logging.", "management.");

    /** Every {@code tagsync.*} setting; a name ending in {@code .*} takes any key below it (a map). */
    static final Set<String> SETTINGS = settings();

    private CommandLineCheck() {}

    /** True when {@code name} is one of {@code command}'s own options. */
    static boolean isOption(String command, String name) {
        return OPTIONS.getOrDefault(command, Set.of()).contains(name);
    }

    /** What is wrong with the command line, if anything. */
    public static Optional<String> problem(String[] args) {
        String command = null;
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                names.add(eq < 0 ? arg.substring(2) : arg.substring(2, eq));
            } else if (command == null) {
                command = arg;
            } else {
                return Optional.of("unexpected argument '" + arg + "' (options are --name or --name=value)");
            }
        }
        if (command == null) {
            return Optional.of("no command");
        }
        Set<String> options = OPTIONS.get(command);
        if (options == null) {
            return Optional.of(
                    "unknown command '" + command + "'" + OptionNames.nearest(command, OPTIONS.keySet(), ""));
        }
        for (String name : names) {
            Optional<String> problem = problem(command, options, name);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> problem(String command, Set<String> options, String name) {
        if (options.contains(name)
                || PASSED_ON.stream().anyMatch(name::startsWith)
                || name.equals("debug")
                || name.equals("trace")) {
            return Optional.empty();
        }
        if (name.startsWith("tagsync.")) {
            return isSetting(name)
                    ? Optional.empty()
                    : Optional.of("unknown setting --" + name + OptionNames.nearest(name, SETTINGS, "--"));
        }
        return Optional.of("unknown option --" + name + " for " + command + OptionNames.nearest(name, options, "--"));
    }

    /** True for a known setting, in any of the forms Spring binds ({@code csv-escape}, {@code csvEscape}, ...). */
    static boolean isSetting(String name) {
        String given = OptionNames.relaxed(name);
        for (String setting : SETTINGS) {
            if (setting.endsWith(".*")
                    ? given.startsWith(OptionNames.relaxed(setting.substring(0, setting.length() - 2)) + ".")
                    : given.equals(OptionNames.relaxed(setting))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> settings() {
        Set<String> names = new TreeSet<>();
        add("tagsync", TagsyncProperties.class, names);
        add("tagsync.notify", NotifySettings.class, names);
        names.add("tagsync.cli.enabled");
        names.add("tagsync.partition.worker");
        return names;
    }

    private static void add(String prefix, Class<?> record, Set<String> names) {
        for (RecordComponent component : record.getRecordComponents()) {
            String name = prefix + "." + kebab(component.getName());
            Class<?> type = component.getType();
            if (type.isRecord()) {
                add(name, type, names);
            } else if (Map.class.isAssignableFrom(type)) {
                names.add(name + ".*");
            } else {
                names.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        StringBuilder kebab = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                kebab.append('-').append(Character.toLowerCase(c));
            } else {
                kebab.append(c);
            }
        }
        return kebab.toString();
    }
}
