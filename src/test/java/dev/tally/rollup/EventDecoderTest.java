package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class EventDecoderTest {

    final EventDecoder decoder = new EventDecoder();
    final String team = UUID.randomUUID().toString();
    final String employee = UUID.randomUUID().toString();

    String usage(String dataOverride) {
        String data = """
                "requestId":"r1","keyId":"5f0c2a4e-8d1b-4c3a-9e7f-1a2b3c4d5e6f","employeeId":"%s","teamId":"%s","provider":"openai",
                "model":"gpt-4o","api":"chat.completions","stream":false,"status":200,"outcome":"ok",
                "inputTokens":10,"outputTokens":5,"cacheReadTokens":2,"cacheWriteTokens":1,"reasoningTokens":3,
                "costNanos":1234,"priced":true,"estimated":false,"latencyMs":100,"ttftMs":null,"downgradedFrom":null""".formatted(employee, team);
        return """
                {"specversion":"1.0","id":"e1","source":"/gw","type":"dev.tally.usage.v1","subject":"%s",
                 "time":"2026-11-01T23:30:00+02:00","data":{%s}}""".formatted(team, dataOverride == null ? data : dataOverride);
    }

    UsageEvent decode(String json) throws InvalidEventException {
        return decoder.usage(json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    void refused(String json, String reason) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aValidUsageEventIsDecodedWithItsTimeInUtc() throws Exception {
        UsageEvent e = decode(usage(null));
        assertThat(e.id()).isEqualTo("e1");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-01T21:30:00Z"));
        assertThat(e.teamId()).hasToString(team);
        assertThat(e.costNanos()).isEqualTo(1234);
        assertThat(e.billableTokens()).isEqualTo(18);
        assertThat(e.error()).isFalse();
    }

    @Test
    void utcTimestampsTakeTheFastPathAndAgreeWithTheFullParser() {
        for (String t : new String[] {
            "2026-11-01T21:30:00Z",
            "2026-11-01T21:30:00.1Z",
            "2026-02-28T00:00:59.123456789Z",
            "1999-12-31T23:59:59.000001Z",
            "2028-02-29T12:00:00.5Z"
        }) {
            assertThat(UtcTimestamps.parse(t)).as(t).isEqualTo(Instant.parse(t));
        }
        assertThat(UtcTimestamps.parse("2026-02-31T00:00:00Z")).isNull();
        assertThat(UtcTimestamps.parse("2026-11-01T21:30:00+02:00")).isNull();
        assertThat(UtcTimestamps.parse("2026-11-01 21:30:00Z")).isNull();
        assertThatThrownBy(() -> decode(usage(null).replace("2026-11-01T23:30:00+02:00", "yesterday")))
                .hasMessageContaining("time: not an RFC 3339 timestamp");
    }

    @Test
    void theRecordTimestampIsUsedWhenTheEventHasNoTime() throws Exception {
        String json = usage(null).replace("\"time\":\"2026-11-01T23:30:00+02:00\",", "");
        Instant ts = Instant.parse("2026-11-02T01:00:00Z");
        assertThat(decoder.usage(json.getBytes(StandardCharsets.UTF_8), ts).time())
                .isEqualTo(ts);
    }

    @Test
    void theWorkloadRunAndClientAreReadAndAnEventWithoutThemIsAnInteractiveCallOfAnUnknownTool() throws Exception {
        String tail = "\"downgradedFrom\":null";
        UsageEvent e = decode(
                usage(null)
                        .replace(
                                tail,
                                tail
                                        + ",\"refusal\":null,\"workload\":\"code-review\",\"runId\":\"pr-17:1\",\"client\":\"openai-sdk-python\""));
        assertThat(e.workload()).isEqualTo("code-review");
        assertThat(e.runId()).isEqualTo("pr-17:1");
        assertThat(e.client()).isEqualTo("openai-sdk-python");

        UsageEvent old = decode(usage(null));
        assertThat(old.workload()).isEqualTo("interactive");
        assertThat(old.runId()).isNull();
        assertThat(old.client()).isEqualTo("other");

        // a client name Tally does not give (another producer's) is other: the set of tools stays bounded
        assertThat(decode(usage(null).replace(tail, tail + ",\"client\":\"my-own-tool/1\""))
                        .client())
                .isEqualTo("other");
        refused(
                usage(null).replace(tail, tail + ",\"workload\":\"Nightly Loop\""),
                "data.workload: not a workload name");
        refused(usage(null).replace(tail, tail + ",\"runId\":\"run with spaces\""), "data.runId: not a run id");
    }

    @Test
    void aServiceKeysCallHasNoEmployeeAndIsCountedForItsTeam() throws Exception {
        UsageEvent e = decode(usage(null).replace("\"employeeId\":\"" + employee + "\"", "\"employeeId\":null"));
        assertThat(e.employeeId()).isNull();
        assertThat(e.teamId()).hasToString(team);
        assertThat(e.refused()).isFalse();
    }

    @Test
    void anUnpricedCallCarriesNoCost() throws Exception {
        UsageEvent e = decode(
                usage(null).replace("\"costNanos\":1234,\"priced\":true", "\"costNanos\":null,\"priced\":false"));
        assertThat(e.priced()).isFalse();
        assertThat(e.costNanos()).isZero();
    }

    @Test
    void badMessagesAreRefusedWithThePreciseReason() {
        refused("not json", "not JSON");
        refused("", "empty message");
        refused("[1,2]", "wrong type or shape");
        refused(usage(null).replace("\"inputTokens\":10", "\"inputTokens\":\"10\""), "data.inputTokens: wrong type");
        refused(usage(null).replace("\"inputTokens\":10", "\"inputTokens\":10.5"), "data.inputTokens: wrong type");
        refused(usage(null).replace("\"inputTokens\":10", "\"inputTokens\":-1"), "data.inputTokens: negative");
        refused(usage(null).replace("\"outputTokens\":5,", ""), "data.outputTokens: missing");
        refused(usage(null).replace("\"teamId\":\"" + team + "\",", ""), "data.teamId: missing");
        refused(usage(null).replace("\"teamId\":\"" + team + "\"", "\"teamId\":\"team-7\""), "data.teamId: not a UUID");
        // 36 characters that UUID.fromString reads (a sign), but not an id's spelling
        refused(
                usage(null)
                        .replace("\"teamId\":\"" + team + "\"", "\"teamId\":\"+1234567-1234-1234-1234-123456789012\""),
                "data.teamId: not a UUID");
        // blank is missing (the fuzzer's crash-blank-team-id.json: it was a NullPointerException)
        refused(usage(null).replace("\"teamId\":\"" + team + "\"", "\"teamId\":\"\""), "data.teamId: missing");
        refused(usage(null).replace("\"teamId\":\"" + team + "\"", "\"teamId\":\" \""), "data.teamId: missing");
        refused(usage(null).replace("\"outcome\":\"ok\"", "\"outcome\":\"fine\""), "data.outcome: unknown value");
        refused(usage(null).replace("\"costNanos\":1234,", ""), "data.costNanos: missing on a priced call");
        refused(usage(null).replace("\"costNanos\":1234", "\"costNanos\":-1"), "data.costNanos: negative");
        refused(usage(null).replace("\"costNanos\":1234", "\"costNanos\":99999999999999999"), "per-call cap");
        refused(usage(null).replace("\"type\":\"dev.tally.usage.v1\"", "\"type\":\"x\""), "type: expected");
        refused(usage(null).replace("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\""), "specversion");
        refused(usage(null).replace("\"id\":\"e1\"", "\"id\":\"\""), "id: missing");
        refused(
                usage(null).replace("\"subject\":\"" + team + "\"", "\"subject\":\"" + UUID.randomUUID() + "\""),
                "subject:");
        refused(usage(null).replace("\"model\":\"gpt-4o\",", ""), "data.model: missing");
    }

    @Test
    void aFreeCallThatNamesNoModelIsReadAsNoModelCallAndOnlyIt() throws Exception {
        String free = usage(null)
                .replace("\"model\":\"gpt-4o\",", "")
                .replace("chat.completions", "conversations.create")
                .replace(
                        "\"inputTokens\":10,\"outputTokens\":5,\"cacheReadTokens\":2,\"cacheWriteTokens\":1,\"reasoningTokens\":3",
                        "\"inputTokens\":0,\"outputTokens\":0,\"cacheReadTokens\":0,\"cacheWriteTokens\":0,\"reasoningTokens\":0")
                .replace("\"costNanos\":1234", "\"costNanos\":0");
        UsageEvent e = decode(free);
        assertThat(e.model()).isNull();
        assertThat(e.modelCall()).isFalse();
        assertThat(decode(usage(null)).modelCall()).isTrue();
        refused(free.replace("\"costNanos\":0", "\"costNanos\":1"), "data.model: missing");
        refused(free.replace("\"outputTokens\":0", "\"outputTokens\":1"), "data.model: missing");
        refused(free.replace("\"priced\":true", "\"priced\":false"), "data.model: missing");
    }

    String outcome(String kind, String extra) {
        return """
                {"specversion":"1.0","id":"github:pr:acme/app#1","source":"/gh","type":"dev.tally.outcome.v1",
                 "data":{"kind":"%s","teamId":"%s","aiAssisted":true,"occurredAt":"2026-11-01T10:00:00Z"%s}}""".formatted(kind, team, extra);
    }

    @Test
    void outcomeKindsAreTheBuiltInOnesOrExplicitlyCustom() throws Exception {
        for (String kind : OutcomeKinds.BUILT_IN) {
            assertThat(decoder.outcome(outcome(kind, "").getBytes(StandardCharsets.UTF_8))
                            .kind())
                    .isEqualTo(kind);
        }
        assertThat(decoder.outcome(outcome("custom_docs_written", "").getBytes(StandardCharsets.UTF_8))
                        .kind())
                .isEqualTo("custom_docs_written");
        assertThatThrownBy(() -> decoder.outcome(outcome("pr_merge", "").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("data.kind: unknown kind 'pr_merge'");
        assertThatThrownBy(() -> decoder.outcome(outcome("custom_Bad-Kind", "").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("data.kind");
    }

    @Test
    void outcomeFieldsAreValidated() throws Exception {
        OutcomeEvent ok = decoder.outcome(outcome("pr_merged", ",\"valueHours\":2.25,\"attribution\":[\"a\"]")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(ok.valueHours()).isEqualByComparingTo("2.25");
        assertThat(ok.aiAssisted()).isTrue();
        assertThatThrownBy(() -> decoder.outcome(
                        outcome("pr_merged", ",\"valueHours\":-1").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("data.valueHours");
        assertThatThrownBy(() -> decoder.outcome(
                        outcome("pr_merged", ",\"valueHours\":1.2345").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("data.valueHours");
        assertThatThrownBy(() -> decoder.outcome(outcome("pr_merged", "")
                        .replace(",\"occurredAt\":\"2026-11-01T10:00:00Z\"", "")
                        .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("data.occurredAt: missing");
        assertThatThrownBy(() -> decoder.outcome(
                        outcome("pr_merged", ",\"employeeId\":\"bob\"").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("data.employeeId: not a UUID");
        assertThatThrownBy(() -> decoder.outcome(outcome("pr_merged", "")
                        .replace("\"dev.tally.outcome.v1\"", "\"dev.tally.usage.v1\"")
                        .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("type: expected");
    }
}
