package dev.tally.access.auth;

/** The short-lived cookie that tells the sign-in page why the last attempt failed. */
public final class SignInNotice {

    /** Holds the epoch second until which the account or address is locked. */
    public static final String COOKIE = "tally-sign-in-locked";

    private SignInNotice() {}
}
