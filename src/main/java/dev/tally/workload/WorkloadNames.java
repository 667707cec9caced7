package dev.tally.workload;

import java.util.regex.Pattern;

/**
 * The syntax of workload names and run ids, checked the same way on the gateway, the admin API and
 * outcome intake. A workload name is 1-64 characters: lower-case letters, digits, {@code -},
 * {@code _} and {@code .}, starting with a letter or digit. A run id is 1-128 printable ASCII
 * characters from {@code A-Z a-z 0-9 - _ . : /}.
 */
public final class WorkloadNames {

    /** The workload of a call that names none: a person at work. */
    public static final String INTERACTIVE = "interactive";

    public static final int MAX_NAME = 64;
    public static final int MAX_RUN_ID = 128;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");

    /** The rule in words, for error messages. */
    public static final String NAME_RULE = "1-" + MAX_NAME
            + " characters of a-z, 0-9, '-', '_' and '.', starting with a letter or digit";
    public static final String RUN_ID_RULE = "1-" + MAX_RUN_ID + " characters of A-Z, a-z, 0-9, '-', '_', '.', ':' and '/'";

    private WorkloadNames() {
    }

    public static boolean validName(String name) {
        return name != null && name.length() <= MAX_NAME && NAME.matcher(name).matches();
    }

    public static boolean validRunId(String runId) {
        return runId != null && runId.length() <= MAX_RUN_ID && RUN_ID.matcher(runId).matches();
    }
}
