package dev.tally.gateway;

/**
 * Token counts of one call, each token in exactly one kind: {@code input} excludes cache reads and
 * writes; {@code output} includes {@code reasoning} (reasoning is a breakdown, never added to cost
 * twice); {@code cacheWrite} includes {@code cacheWrite1h}. Filled while the response passes by;
 * only ever touched from the call's event loop.
 */
public final class Usage {
    public long input;
    public long output;
    public long cacheRead;
    public long cacheWrite;
    public long cacheWrite1h;
    public long reasoning;
    /** The provider reported usage (JSON body, Anthropic message_start, OpenAI usage chunk). */
    public boolean reported;
    /** The provider's final counts are in (JSON body, message_delta, OpenAI usage chunk). */
    public boolean complete;
    /** Some count is an estimate (cancelled stream): the event says {@code estimated=true}. */
    public boolean estimated;
    /** Characters of generated text seen in a stream: the basis of an output estimate. */
    public long streamedTextChars;

    public long total() {
        return input + output + cacheRead + cacheWrite;
    }

    @Override
    public String toString() {
        return "Usage[in=" + input + " out=" + output + " cr=" + cacheRead + " cw=" + cacheWrite + " cw1h="
                + cacheWrite1h + " reasoning=" + reasoning + " reported=" + reported + " estimated=" + estimated + "]";
    }
}
