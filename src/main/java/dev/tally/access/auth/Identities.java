package dev.tally.access.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import dev.tally.access.Scope;
import dev.tally.access.Viewer;
import dev.tally.access.user.LocalSignIn;

/** SecurityIdentities carrying a {@link Viewer}: its scopes are the security roles the HTTP permissions check. */
public final class Identities {

    private Identities() {}

    public static SecurityIdentity of(Viewer v) {
        return of(v, v.login());
    }

    /** A local session's identity: its principal is what the session cookie keeps (LocalSignIn.Session). */
    public static SecurityIdentity of(LocalSignIn.Session s) {
        return of(s.viewer(), s.principal());
    }

    private static SecurityIdentity of(Viewer v, String principal) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(principal))
                .addAttribute(Viewer.ATTRIBUTE, v);
        addRoles(b, v);
        return b.build();
    }

    static void addRoles(QuarkusSecurityIdentity.Builder b, Viewer v) {
        for (Scope s : Scope.values()) {
            if (v.has(s)) {
                b.addRole(s.key());
            }
        }
        if (v.person()) {
            b.addRole(Scope.PERSON);
        }
    }

    /** The client's address (the forwarded one when a trusted proxy forwards it). */
    public static String clientAddress(RoutingContext rc) {
        if (rc == null) {
            return "unknown";
        }
        SocketAddress a = rc.request().remoteAddress();
        return a == null || a.hostAddress() == null ? "unknown" : a.hostAddress();
    }
}
