package dev.tally.access.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

import dev.tally.access.user.LocalSignIn;
import dev.tally.access.user.SignInLocked;

/** Form sign-in of a local account (POST /j_security_check). */
@ApplicationScoped
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private final LocalSignIn signIn;

    public PasswordIdentityProvider(LocalSignIn signIn) {
        this.signIn = signIn;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = Identities.clientAddress(rc);
        return context.runBlocking(() -> Identities.of(signIn.verify(
                        request.getUsername(), request.getPassword().getPassword(), address)))
                .onFailure()
                .invoke(e -> SignInLocked.until(e).ifPresent(until -> {
                    // The form mechanism redirects every failure to the same error page; this
                    // one-minute cookie lets the sign-in page say "locked until …" instead of
                    // "wrong password".
                    if (rc != null) {
                        rc.response()
                                .addCookie(Cookie.cookie(SignInNotice.COOKIE, Long.toString(until.getEpochSecond()))
                                        .setPath(SignInPaths.PAGE)
                                        .setMaxAge(60)
                                        .setHttpOnly(true)
                                        .setSameSite(CookieSameSite.STRICT)
                                        .setSecure(rc.request().isSSL()));
                    }
                }));
    }
}
