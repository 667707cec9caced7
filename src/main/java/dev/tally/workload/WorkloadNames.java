package dev.tally.workload;

import java.util.regex.Pattern;

/**
 * The syntax of workload names and run ids, checked the same way on the gateway, the admin API and
 * outcome intake. A workload name is 1-64 characters: lower-case letters, digits, {@code -},
 * {@code _} and {@code .}, starting with a letter or digit. A run id is 1-128 characters from
 * {@code A-Z a-z 0-9 - _ . :} (a UUID, Claude Code's session id, fits), checked by the gateway's
 * {@code RunIdCheck} and again by the aggregator.
 */
public final class WorkloadNames {

    /** The workload of a call that names none: a person at work. */
    public static final String INTERACTIVE = "interactive";

    public static final int MAX_NAME = 64;
    public static final int MAX_RUN_ID = 128;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** The rule in words, for error messages. */
    public static final String NAME_RULE =
            "1-" + MAX_NAME + " characters of a-z, 0-9, '-', '_' and '.', starting with a letter or digit";

    public static final String RUN_ID_RULE =
            "1 to " + MAX_RUN_ID + " characters of letters, digits, '.', '_', ':' and '-'";

    private WorkloadNames() {}

    public static boolean validName(String name) {
        return name != null && name.length() <= MAX_NAME && NAME.matcher(name).matches();
    }

    /** A character loop, not a regular expression: the gateway checks every call's run id on the event loop. */
    public static boolean validRunId(String runId) {
        int n = runId == null ? 0 : runId.length();
        if (n == 0 || n > MAX_RUN_ID) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = runId.charAt(i);
            if (!(c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
