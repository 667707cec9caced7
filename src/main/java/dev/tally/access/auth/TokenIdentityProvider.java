package dev.tally.access.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dev.tally.access.token.TokenService;

/** Scoped API tokens: looked up by hash on a worker thread. */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<ApiTokenRequest> {

    private final TokenService tokens;

    public TokenIdentityProvider(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<ApiTokenRequest> getRequestType() {
        return ApiTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiTokenRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> Identities.of(tokens.authenticate(request.token())));
    }
}
