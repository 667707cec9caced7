package dev.tally.access.page;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.tally.platform.ApiException;

/**
 * The pages take form bodies only, so every change made from a page is one whose CSRF token
 * quarkus-rest-csrf checks. That filter checks the token of a form body and lets any other request
 * through unchecked ({@code quarkus.rest-csrf.require-form-url-encoded=false}, which the JSON API
 * needs): a POST without a Content-Type — what a page's {@code fetch} sends with no body — revoked a
 * key on My usage, or signed out, without a token. Outside {@code /api}, a request that may change
 * something and is not a form is refused here instead, as a form without its token is (400).
 */
public class PageForms {

    @ServerRequestFilter
    public void formsOnly(ContainerRequestContext request) {
        String method = request.getMethod();
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)) {
            return;
        }
        if (request.getUriInfo().getPath().startsWith("/api/")) {
            return; // JSON and CSV: bearer tokens, or a SameSite session (docs/access.md, CSRF)
        }
        MediaType type = request.getMediaType();
        if (type != null
                && (type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                        || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE))) {
            return;
        }
        throw ApiException.badRequest("a page takes its own forms only, each with its CSRF token (got "
                + (type == null ? "no Content-Type" : type.toString()) + ")");
    }
}
