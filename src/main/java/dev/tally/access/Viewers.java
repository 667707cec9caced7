package dev.tally.access;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;

import dev.tally.platform.ApiException;

/** The {@link Viewer} of the current request, for resources and services. */
@ApplicationScoped
public class Viewers {

    private final CurrentIdentityAssociation identity;

    public Viewers(CurrentIdentityAssociation identity) {
        this.identity = identity;
    }

    /** The caller; 401 when there is none (the HTTP permissions normally refuse earlier). */
    public Viewer current() {
        return find().orElseThrow(() -> new ApiException(401, "sign in, or send Authorization: Bearer <token>"));
    }

    /** The caller, or empty outside a request or for an anonymous one. */
    public Optional<Viewer> find() {
        try {
            return of(identity.getIdentity());
        } catch (RuntimeException e) {
            // no request context (a scheduled job, the demo seeder): nobody
            return Optional.empty();
        }
    }

    public static Optional<Viewer> of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Optional.empty();
        }
        return Optional.ofNullable(identity.getAttribute(Viewer.ATTRIBUTE));
    }
}
