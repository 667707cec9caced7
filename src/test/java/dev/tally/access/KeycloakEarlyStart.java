package dev.tally.access;

import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Launches Keycloak as the test run begins when the run includes {@link OidcSignInTest}, so that its
 * start-up (the slow part of that test) overlaps the test classes before it instead of adding to the
 * run's time. {@link KeycloakServer} then finds it through a system property and waits only for
 * what is left. Registered in META-INF/services; it stops Keycloak when the run ends.
 */
public class KeycloakEarlyStart implements TestExecutionListener {

    /**
     * By name, not {@code OidcSignInTest.class}: every test JVM runs this listener, and loading the
     * class would load what it refers to (Selenium, which the fuzz JVMs' class path leaves out).
     * Renamed, the early start stops and {@link KeycloakServer} starts Keycloak when the test needs it.
     */
    static final String SSO_TEST = "dev.tally.access.OidcSignInTest";

    private Process process;

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        if (System.getProperty(KeycloakServer.ISSUER_PROPERTY) != null || !includesSsoTest(plan)) {
            return;
        }
        KeycloakServer.Launched l = KeycloakServer.launch();
        process = l.process();
        System.setProperty(KeycloakServer.ISSUER_PROPERTY, l.issuer());
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (process != null) {
            KeycloakServer.stop(process);
            System.clearProperty(KeycloakServer.ISSUER_PROPERTY);
            process = null;
        }
    }

    private static boolean includesSsoTest(TestPlan plan) {
        return plan.getRoots().stream()
                .flatMap(root -> plan.getDescendants(root).stream())
                .anyMatch(id -> id.getSource()
                        .filter(ClassSource.class::isInstance)
                        .map(s -> ((ClassSource) s).getClassName())
                        .filter(SSO_TEST::equals)
                        .isPresent());
    }
}
