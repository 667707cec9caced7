package dev.tally.platform;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads a setting before Quarkus's configuration exists (the embedded services must be up before
 * the datasource is created): a system property wins, then the environment variable.
 */
public final class Settings {
    private Settings() {}

    /** {@code get("TALLY_DATA_DIR")} reads system property {@code tally.data-dir}, then the variable. */
    public static Optional<String> get(String envName) {
        String prop = System.getProperty(propertyName(envName));
        if (prop == null) {
            prop = System.getProperty(envName);
        }
        if (prop == null) {
            prop = System.getenv(envName);
        }
        return Optional.ofNullable(prop).map(String::trim).filter(s -> !s.isEmpty());
    }

    public static int getInt(String envName, int def) {
        Optional<String> v = get(envName);
        if (v.isEmpty()) {
            return def;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new StartupException(envName + "=" + v.get() + " is not a number: set it to a whole number");
        }
    }

    /** TALLY_KAFKA_EMBEDDED_PORT → tally.kafka.embedded-port (Quarkus's own mapping, read backwards). */
    static String propertyName(String envName) {
        String lower = envName.toLowerCase(Locale.ROOT);
        if (lower.startsWith("tally_")) {
            String rest = lower.substring("tally_".length());
            String[] known = {"kafka_", "providers_", "github_", "demo_", "postgres_", "startup_"};
            for (String k : known) {
                if (rest.startsWith(k)) {
                    return "tally." + k.substring(0, k.length() - 1) + "."
                            + rest.substring(k.length()).replace('_', '-');
                }
            }
            return "tally." + rest.replace('_', '-');
        }
        return lower.replace('_', '.');
    }
}
