package dev.tally.access.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A scoped API token presented as {@code Authorization: Bearer tapi_…}. */
public class ApiTokenRequest extends BaseAuthenticationRequest {

    private final String token;

    public ApiTokenRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
