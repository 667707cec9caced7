package dev.tally.outcomes.review;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a unified diff (a comparison's {@code files[].patch}) changes a range of lines of the old
 * side: a removed or replaced line inside the range, or a line inserted between two of its lines.
 * Lines added only before or after the range move it but do not change it.
 */
public final class DiffLines {

    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@");

    private DiffLines() {}

    /** @param first the first line of the range (old side, 1-based), @param last its last line */
    public static boolean touches(String patch, int first, int last) {
        if (patch == null || patch.isEmpty()) {
            return false;
        }
        int old = -1;
        for (String line : patch.split("\n", -1)) {
            Matcher m = HUNK.matcher(line);
            if (m.find()) {
                old = Integer.parseInt(m.group(1));
                // "-0,0": the old file had no lines at this point (a new file); the next old line is 1
                if (old == 0) {
                    old = 1;
                }
                continue;
            }
            if (old < 0 || line.startsWith("\\")) {
                continue; // before the first hunk, or "\ No newline at end of file"
            }
            if (line.startsWith("-")) {
                if (old >= first && old <= last) {
                    return true;
                }
                old++;
            } else if (line.startsWith("+")) {
                // inserted before old line `old`: inside the range only if it falls between two of its lines
                if (old > first && old <= last) {
                    return true;
                }
            } else {
                old++;
            }
        }
        return false;
    }
}
