package io.tagsync.submission;

/**
 * {@code --max-rejects}: a count ({@code 100}) or a share of the rows read ({@code 0.5%}). Above it the run
 * fails after staging and before anything is sent; rerunning with a higher limit goes on from there.
 */
public record RejectLimit(Long count, Double percent) {

    public static final RejectLimit NONE = new RejectLimit(null, null);

    public static RejectLimit parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        String value = text.strip();
        try {
            if (value.endsWith("%")) {
                double percent = Double.parseDouble(value.substring(0, value.length() - 1));
                if (percent < 0 || percent > 100) {
                    throw new IllegalArgumentException("--max-rejects percentage must be 0 to 100, not " + text);
                }
                return new RejectLimit(null, percent);
            }
            long count = Long.parseLong(value);
            if (count < 0) {
                throw new IllegalArgumentException("--max-rejects must not be negative");
            }
            return new RejectLimit(count, null);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-rejects takes a count (100) or a percentage (0.5%), not " + text);
        }
    }

    public boolean exceededBy(long rejected, long rows) {
        if (count != null) {
            return rejected > count;
        }
        if (percent != null) {
            return rows > 0 && rejected * 100.0 / rows > percent;
        }
        return false;
    }

    @Override
    public String toString() {
        return count != null ? String.valueOf(count) : percent != null ? percent + "%" : "none";
    }
}
