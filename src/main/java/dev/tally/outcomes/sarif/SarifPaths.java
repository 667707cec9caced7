package dev.tally.outcomes.sarif;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Artifact URIs as one comparable path: percent-decoded, forward slashes, no {@code file://} scheme,
 * no {@code .} or empty segments, {@code ..} resolved, and made relative to the run's
 * {@code originalUriBaseIds} where an absolute URI lies under one of them. Two uploads of the same scan
 * from different checkouts ({@code file:///home/runner/work/x/src/a.js} against base
 * {@code file:///home/runner/work/x/}) then name the file alike ({@code src/a.js}).
 */
final class SarifPaths {

    private SarifPaths() {}

    static String normalise(String uri, JsonNode originalUriBaseIds) {
        if (uri == null || uri.isBlank()) {
            return null;
        }
        String path = clean(uri);
        if (path.startsWith("/") && originalUriBaseIds != null && originalUriBaseIds.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = originalUriBaseIds.fields();
            while (it.hasNext()) {
                JsonNode base = it.next().getValue().get("uri");
                if (base == null || !base.isTextual()) {
                    continue;
                }
                String b = clean(base.asText());
                if (!b.startsWith("/")) {
                    continue;
                }
                String prefix = b.endsWith("/") ? b : b + "/";
                if (path.startsWith(prefix)) {
                    return path.substring(prefix.length());
                }
            }
        }
        return path;
    }

    private static String clean(String uri) {
        String s = decode(uri.strip()).replace('\\', '/');
        if (s.regionMatches(true, 0, "file://", 0, 7)) {
            s = s.substring(7);
        } else if (s.regionMatches(true, 0, "file:", 0, 5)) {
            s = s.substring(5);
        }
        boolean absolute = s.startsWith("/");
        Deque<String> segments = new ArrayDeque<>();
        for (String seg : s.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..") && !segments.isEmpty() && !segments.peekLast().equals("..")) {
                segments.removeLast();
            } else {
                segments.addLast(seg);
            }
        }
        String joined = String.join("/", segments);
        return absolute ? "/" + joined : joined;
    }

    /** %XX escapes as UTF-8 bytes; a malformed escape is kept as written. */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
                continue;
            }
            if (bytes.size() > 0) {
                out.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.reset();
            }
            out.append(c);
        }
        out.append(bytes.toString(StandardCharsets.UTF_8));
        return out.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
