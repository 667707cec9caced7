package dev.tally.platform;

/**
 * A start-up problem the operator can fix. Its message is one line that says what is wrong and what
 * to change; {@link TallyMain} prints it without a stack trace and exits non-zero.
 */
public class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
