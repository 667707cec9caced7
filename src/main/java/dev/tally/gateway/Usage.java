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
    /** Why the provider's numbers were refused ({@link #refuse}); null while they are fine. */
    public UsageProblem invalid;
    /**
     * The id of the response the Responses API answered with (its JSON's top-level {@code id}, a
     * stream's {@code response.created} or final event), or of the conversation a create answered
     * with, when it is a safe id ({@link Api#safeObjectId}); the gateway remembers whose it is
     * ({@link ResponseOwners}). Not usage, but read by the same taps.
     */
    public String responseId;

    public long total() {
        return input + output + cacheRead + cacheWrite;
    }

    /**
     * Fills what the provider did not get to report (a call cut short); the event then says
     * {@code estimated=true}. About 4 bytes of request JSON, or 4 characters of streamed text, a token.
     */
    void estimate(int requestBytes) {
        if (complete) {
            return;
        }
        if (!reported) {
            input = Math.max(input, (requestBytes + 3) / 4);
        }
        output = Math.max(output, (streamedTextChars + 3) / 4);
        estimated = true;
    }

    /**
     * The provider reported numbers that cannot be true: everything it reported for this call is
     * dropped, nothing it reports later is taken, and the call's usage is estimated when it ends.
     */
    void refuse(UsageProblem problem) {
        if (invalid == null) {
            invalid = problem;
        }
        input = 0;
        output = 0;
        cacheRead = 0;
        cacheWrite = 0;
        cacheWrite1h = 0;
        reasoning = 0;
        reported = false;
        complete = false;
    }

    @Override
    public String toString() {
        return "Usage[in=" + input + " out=" + output + " cr=" + cacheRead + " cw=" + cacheWrite + " cw1h="
                + cacheWrite1h + " reasoning=" + reasoning + " reported=" + reported + " estimated=" + estimated
                + (invalid == null ? "" : " invalid=" + invalid) + "]";
    }
}
