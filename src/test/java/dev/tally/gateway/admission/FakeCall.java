package dev.tally.gateway.admission;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tally.events.CallOutcome;
import dev.tally.gateway.Api;
import dev.tally.gateway.Provider;
import dev.tally.gateway.Usage;
import dev.tally.identity.ResolvedKey;
import dev.tally.workload.ClientDetector;

/** A call as admission sees it: headers, a key, body facts, and the reservations it was given. */
final class FakeCall implements PendingCall {

    private final Api api;
    private final Map<String, String> headers = new HashMap<>();
    final List<Reservation> reservations = new ArrayList<>();
    private ResolvedKey key;
    private String address = "192.0.2.1";
    private int requestBytes;
    private long maxTokens = -1;
    private String runId;
    private String workload;

    FakeCall(Api api) {
        this.api = api;
    }

    FakeCall with(String header, String value) {
        headers.put(header, value);
        return this;
    }

    FakeCall key(ResolvedKey k) {
        this.key = k;
        return this;
    }

    FakeCall from(String clientAddress) {
        this.address = clientAddress;
        return this;
    }

    FakeCall body(int bytes, long maxTokensOfBody) {
        this.requestBytes = bytes;
        this.maxTokens = maxTokensOfBody;
        return this;
    }

    /** Ends the call as Call.end does: each reservation settled once with the call's usage. */
    void end(Usage usage) {
        reservations.forEach(r -> r.settle(usage, CallOutcome.OK));
        reservations.clear();
    }

    @Override
    public Api api() {
        return api;
    }

    @Override
    public String requestId() {
        return "test";
    }

    @Override
    public String header(CharSequence name) {
        return headers.get(name.toString());
    }

    @Override
    public String client() {
        return ClientDetector.detect(headers.get("user-agent"), headers.get("x-app"), headers.get("x-stainless-lang"));
    }

    @Override
    public String origin() {
        return "http://tally.test";
    }

    @Override
    public int headerCount() {
        return headers.size();
    }

    @Override
    public String clientAddress() {
        return address;
    }

    @Override
    public ResolvedKey key() {
        return key;
    }

    @Override
    public void identify(ResolvedKey k) {
        this.key = k;
    }

    @Override
    public String model() {
        return null;
    }

    @Override
    public void rewriteModel(String model) {}

    @Override
    public int requestBytes() {
        return requestBytes;
    }

    @Override
    public long maxTokens() {
        return maxTokens;
    }

    @Override
    public Provider provider() {
        return null;
    }

    @Override
    public void route(Provider provider) {}

    @Override
    public void workload(String workload) {
        this.workload = workload;
    }

    /** The workload the check set, or null. */
    String workload() {
        return workload;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public void runId(String runId) {
        this.runId = runId;
    }

    @Override
    public void reserve(Reservation r) {
        reservations.add(r);
    }
}
