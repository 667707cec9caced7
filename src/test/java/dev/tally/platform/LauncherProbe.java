package dev.tally.platform;

import java.lang.management.ManagementFactory;

/** Stands in for quarkus-run.jar in {@link LauncherTest}: says it ran, and with which JVM flags. */
public final class LauncherProbe {
    private LauncherProbe() {}

    public static void main(String[] args) {
        System.out.println("probe ran with ["
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()) + "] args ["
                + String.join(" ", args) + "]");
    }
}
