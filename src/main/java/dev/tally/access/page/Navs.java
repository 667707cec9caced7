package dev.tally.access.page;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.csrf.reactive.runtime.CsrfTokenParameterProvider;

import dev.tally.access.AccessRole;
import dev.tally.access.Viewer;
import dev.tally.access.Viewers;

/** Builds the {@link Nav} of the current request. */
@ApplicationScoped
public class Navs {

    private final Viewers viewers;
    private final CsrfTokenParameterProvider csrf;

    public Navs(Viewers viewers, CsrfTokenParameterProvider csrf) {
        this.viewers = viewers;
        this.csrf = csrf;
    }

    public Nav current() {
        return viewers.find().map(this::of).orElse(Nav.NOBODY);
    }

    Nav of(Viewer v) {
        String token = csrfToken();
        return new Nav(
                v.name(),
                label(v),
                v.has(dev.tally.access.Scope.REPORTS_READ),
                v.seesAllTeams(),
                v.opensBudgetPages(),
                v.person(),
                v.isAdmin(),
                v.teamIds(),
                token == null ? null : csrf.getParameterName(),
                token);
    }

    /** The token of this response's CSRF cookie; null outside a request the CSRF filter saw. */
    public String csrfToken() {
        try {
            return csrf.getToken();
        } catch (RuntimeException e) {
            return null;
        }
    }

    public String csrfField() {
        return csrf.getParameterName();
    }

    static String label(Viewer v) {
        if (v.role() == null) {
            return v.kind() == Viewer.Kind.ADMIN_TOKEN ? "admin token" : "API token";
        }
        return switch (v.role()) {
            case ADMIN -> "admin";
            case LEADER -> "leader";
            case TEAM_LEAD -> "team lead";
            case EMPLOYEE -> "employee";
        };
    }

    static boolean isEmployeeOnly(Viewer v) {
        return v.role() == AccessRole.EMPLOYEE;
    }
}
