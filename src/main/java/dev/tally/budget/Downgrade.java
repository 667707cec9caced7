package dev.tally.budget;

/**
 * One rule of a downgrade budget: a model matching {@code pattern} ({@code *} matches any run of
 * characters, e.g. {@code claude-opus-*}) is called as {@code target} instead.
 */
public record Downgrade(String pattern, String target) {

    public boolean matches(String model) {
        return glob(pattern, 0, model, 0);
    }

    private static boolean glob(String p, int i, String s, int j) {
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '*') {
                for (int k = j; k <= s.length(); k++) {
                    if (glob(p, i + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (j >= s.length() || s.charAt(j) != c) {
                return false;
            }
            i++;
            j++;
        }
        return j == s.length();
    }
}
