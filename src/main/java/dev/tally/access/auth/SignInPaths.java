package dev.tally.access.auth;

/** The sign-in paths, as configured for the form mechanism in application.properties. */
public final class SignInPaths {

    /** The sign-in page. */
    public static final String PAGE = "/login";
    /** Where the sign-in form posts (Quarkus form authentication). */
    public static final String POST = "/j_security_check";
    /** Sign-out (POST with a CSRF token). */
    public static final String SIGN_OUT = "/logout";

    private SignInPaths() {}
}
