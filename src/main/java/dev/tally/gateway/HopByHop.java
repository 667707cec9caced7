package dev.tally.gateway;

import java.util.Set;
import java.util.TreeSet;

/**
 * Headers that belong to one connection and are never passed on by the gateway, in either
 * direction (RFC 9110 section 7.6.1): {@code Connection} itself, every header it names, and the
 * ones known to be hop-by-hop ({@code Keep-Alive}, {@code Proxy-Connection}, {@code TE},
 * {@code Transfer-Encoding}, {@code Upgrade}, {@code Trailer}, {@code Proxy-Authenticate},
 * {@code Proxy-Authorization}). Names are compared ignoring case, without lower-casing each one.
 */
final class HopByHop {

    private static final Set<String> ALWAYS = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        ALWAYS.addAll(Set.of(
                "connection",
                "keep-alive",
                "proxy-connection",
                "te",
                "transfer-encoding",
                "upgrade",
                "trailer",
                "proxy-authenticate",
                "proxy-authorization"));
    }

    private HopByHop() {}

    /** Whether {@code name} is hop-by-hop whatever the message says. */
    static boolean always(String name) {
        return ALWAYS.contains(name);
    }

    /**
     * Whether {@code name} is hop-by-hop in a message whose {@code Connection} header is
     * {@code connection} (null when it has none): always, or named there.
     */
    static boolean in(String name, String connection) {
        return ALWAYS.contains(name) || connection != null && names(connection, name);
    }

    /** Whether the comma-separated {@code Connection} value names {@code name} (ignoring case and spaces). */
    static boolean names(String connection, String name) {
        int n = connection.length();
        int i = 0;
        while (i < n) {
            while (i < n
                    && (connection.charAt(i) == ' ' || connection.charAt(i) == '\t' || connection.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && connection.charAt(i) != ',') {
                i++;
            }
            int end = i;
            while (end > start && (connection.charAt(end - 1) == ' ' || connection.charAt(end - 1) == '\t')) {
                end--;
            }
            if (end - start == name.length() && connection.regionMatches(true, start, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }
}
