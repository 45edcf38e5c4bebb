package io.tagsync.run;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Names of options and settings as people mistype them: the nearest known name, for a message that names it. */
public final class OptionNames {

    private OptionNames() {}

    /** The first of {@code names} that is not one of {@code known}, as a problem naming the nearest. */
    public static Optional<String> unknown(String command, Collection<String> known, Collection<String> names) {
        for (String name : names) {
            if (!known.contains(name)) {
                return Optional.of("unknown option --" + name + " for " + command + nearest(name, known, "--"));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code "; did you mean --x?"} for the closest of {@code known} ({@code prefix} before it), when one is close
     * enough to be meant; else nothing. A name ending in {@code .*} is compared without it.
     */
    public static String nearest(String name, Collection<String> known, String prefix) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            String plain = candidate.endsWith(".*") ? candidate.substring(0, candidate.length() - 2) : candidate;
            int distance = distance(relaxed(name), relaxed(plain));
            if (distance < bestDistance) {
                best = plain;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 4)
                ? "; did you mean " + prefix + best + "?"
                : "";
    }

    /** A name as Spring's relaxed binding compares it: no list indexes, dashes or underscores, in lower case. */
    public static String relaxed(String name) {
        return name.replaceAll("\\[\\d+]", "").replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** Levenshtein's edit distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
