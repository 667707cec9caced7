package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class RequestInspectorTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsModelAndStreamWithoutCaringAboutOtherFields() throws Exception {
        var in = RequestInspector.inspect(b(" {\"messages\":[{\"role\":\"user\",\"content\":\"{\\\"model\\\":1}\"}],"
                + "\"model\":\"gpt-4o\",\"stream\":true}"));
        assertThat(in.model()).isEqualTo("gpt-4o");
        assertThat(in.stream()).isTrue();
        assertThat(in.includeUsage()).isFalse();
    }

    @Test
    void rejectsWhatIsNotAJsonObjectWithAModel() {
        assertThatThrownBy(() -> RequestInspector.inspect(b("{\"model\":\"x\",")))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> RequestInspector.inspect(b("[1]"))).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> RequestInspector.inspect(b("{\"model\":\"x\"} {}")))
                .hasMessageContaining("after");
        assertThatThrownBy(() -> RequestInspector.inspect(b("{\"model\":3}")))
                .hasMessageContaining("model: must be a string");
        assertThatThrownBy(() -> RequestInspector.inspect(b("{}"))).hasMessageContaining("model: is required");
    }

    @Test
    void includeUsageIsInsertedOrMergedAndTheBodyStaysValid() throws Exception {
        byte[] plain = b("  {\"model\":\"gpt-4o\",\"stream\":true}");
        JsonNode a =
                UsageParser.MAPPER.readTree(RequestInspector.withIncludeUsage(plain, RequestInspector.inspect(plain)));
        assertThat(a.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(a.get("model").asText()).isEqualTo("gpt-4o");

        byte[] withOptions =
                b("{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":false,\"x\":1}}");
        var in = RequestInspector.inspect(withOptions);
        assertThat(in.hasStreamOptions()).isTrue();
        JsonNode m = UsageParser.MAPPER.readTree(RequestInspector.withIncludeUsage(withOptions, in));
        assertThat(m.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(m.at("/stream_options/x").asInt()).isEqualTo(1);
    }

    @Test
    void maxTokensIsReadFromEachApisFieldAndIsMinusOneWhenAbsent() throws Exception {
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_tokens\":1024}"))
                        .maxTokens())
                .isEqualTo(1024);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_completion_tokens\":77}"))
                        .maxTokens())
                .isEqualTo(77);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_output_tokens\":88}"))
                        .maxTokens())
                .as("the Responses API's field")
                .isEqualTo(88);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\"}")).maxTokens()).isEqualTo(-1);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_tokens\":null}"))
                        .maxTokens())
                .isEqualTo(-1);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_tokens\":123456789012345678901234567890}"))
                        .maxTokens())
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRewrittenModelReplacesOnlyTheTopLevelModelValue() throws Exception {
        byte[] body = b("{ \"messages\":[{\"role\":\"user\",\"content\":\"model: \\\"keep\\\"\",\"model\":\"inner\"}],"
                + "\"model\" : \"claude-opus-4-7\" ,\"max_tokens\":5}");
        byte[] out = RequestInspector.withModel(body, "claude-haiku-4-5");
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo(
                        "{ \"messages\":[{\"role\":\"user\","
                                + "\"content\":\"model: \\\"keep\\\"\",\"model\":\"inner\"}],\"model\" : \"claude-haiku-4-5\" ,\"max_tokens\":5}");
        assertThat(RequestInspector.withModel(b("{\"model\":\"a\\u00e9\"}"), "say \"hi\""))
                .isEqualTo(b("{\"model\":\"say \\\"hi\\\"\"}"));
    }

    /** The 400's message, or fails if the body was accepted. */
    static RequestInspector.BadRequest refusal(byte[] body) {
        try {
            RequestInspector.inspect(body);
        } catch (RequestInspector.BadRequest e) {
            return e;
        }
        throw new AssertionError("accepted: " + new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void aModelNameOverTheLimitOrOutsideTheSafeSetIsRefusedNamingTheModel() throws Exception {
        String longest = "m".repeat(256);
        assertThat(RequestInspector.inspect(b("{\"model\":\"" + longest + "\"}"))
                        .model())
                .isEqualTo(longest);
        RequestInspector.BadRequest tooLong = refusal(b("{\"model\":\"" + "m".repeat(1024 * 1024) + "\"}"));
        assertThat(tooLong.getMessage()).isEqualTo("model: longer than 256 characters");
        assertThat(tooLong.param).isEqualTo("model");
        for (String bad :
                new String[] {"gpt 4o", "gpt-4o\\n", "gpt-4o\\u0000", "gpt\\\"4o", "gpté", "<script>", "a,b", "a=b"}) {
            RequestInspector.BadRequest r = refusal(b("{\"model\":\"" + bad + "\"}"));
            assertThat(r.getMessage())
                    .as(bad)
                    .isEqualTo("model: may contain only ASCII letters, digits and - _ . : / @ + [ ]");
            assertThat(r.param).isEqualTo("model");
        }
        for (String good : new String[] {
            "ft:gpt-4o-mini:acme:custom:abc123",
            "anthropic.claude-3-sonnet-20240229-v1:0",
            "meta-llama/Llama-3.3-70B-Instruct",
            "gemini-1.5-pro@001",
            "claude-sonnet-4-5[1m]",
            "llama3.1:8b"
        }) {
            assertThat(RequestInspector.inspect(b("{\"model\":\"" + good + "\"}"))
                            .model())
                    .isEqualTo(good);
        }
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedPrecisely() throws Exception {
        String ok = "[".repeat(127) + "]".repeat(127);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"messages\":" + ok + "}"))
                        .model())
                .isEqualTo("x");
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(refusal(b("{\"model\":\"x\",\"messages\":" + deep + "}")).getMessage())
                .isEqualTo("the request body nests JSON deeper than 128 levels");
        assertThat(refusal(b("{\"model\":\"x\",\"a\":" + "{\"b\":".repeat(200) + "1" + "}".repeat(200) + "}"))
                        .getMessage())
                .isEqualTo("the request body nests JSON deeper than 128 levels");
    }

    @Test
    void aFieldTheGatewayReadsMayAppearOnlyOnce() {
        RequestInspector.BadRequest r = refusal(b("{\"model\":\"gpt-4o-mini\",\"messages\":[],\"model\":\"gpt-4o\"}"));
        assertThat(r.getMessage()).isEqualTo("model: appears more than once in the request body");
        assertThat(r.param).isEqualTo("model");
        assertThat(refusal(b("{\"model\":\"x\",\"stream\":false,\"stream\":true}"))
                        .getMessage())
                .isEqualTo("stream: appears more than once in the request body");
        assertThat(refusal(b("{\"model\":\"x\",\"max_tokens\":1,\"max_tokens\":100000}"))
                        .getMessage())
                .isEqualTo("max_tokens: appears more than once in the request body");
        assertThat(refusal(b("{\"model\":\"x\",\"max_output_tokens\":1,\"max_output_tokens\":100000}"))
                        .getMessage())
                .isEqualTo("max_output_tokens: appears more than once in the request body");
    }

    @Test
    void nestedFieldsNamedLikeTopLevelOnesAreNotDuplicates() throws Exception {
        var in = RequestInspector.inspect(b("{\"model\":\"x\",\"messages\":[{\"model\":\"y\",\"stream\":1}],"
                + "\"metadata\":{\"model\":\"z\"},\"max_tokens\":5,\"max_completion_tokens\":6}"));
        assertThat(in.model()).isEqualTo("x");
        assertThat(in.maxTokens()).isEqualTo(6);
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWithTheirOffset() throws Exception {
        byte[] prefix = b("{\"model\":\"x\",\"messages\":\"");
        byte[][] bad = {
            {(byte) 0xC3, 0x28}, // a lead byte without its continuation
            {(byte) 0x80}, // a continuation byte alone
            {(byte) 0xFF}, // never valid
            {(byte) 0xC0, (byte) 0x80}, // an overlong NUL, which the JSON parser would let through
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // an overlong slash
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xE2, (byte) 0x82}, // cut short by the end of the string
        };
        for (byte[] seq : bad) {
            byte[] body = new byte[prefix.length + seq.length + 2];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(seq, 0, body, prefix.length, seq.length);
            body[body.length - 2] = '"';
            body[body.length - 1] = '}';
            assertThat(refusal(body).getMessage())
                    .as("%02x", seq[0])
                    .isEqualTo("the request body is not valid UTF-8 at byte offset " + prefix.length);
        }
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"m\":\"héllo € 𝄞 日本\"}"))
                        .model())
                .isEqualTo("x");
    }

    @Test
    void aNulByteIsRefusedWithItsOffsetWhileAnEscapedOneIsJson() throws Exception {
        byte[] body = b("{\"model\":\"x\",\"m\":\"a_b\"}");
        body[18] = 0;
        assertThat(refusal(body).getMessage()).isEqualTo("the request body contains a NUL byte at offset 18");
        byte[] after = b("{\"model\":\"x\"}_");
        after[after.length - 1] = 0;
        assertThat(refusal(after).getMessage()).isEqualTo("the request body contains a NUL byte at offset 13");
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"m\":\"a\\u0000b\"}"))
                        .model())
                .isEqualTo("x");
    }

    // ---- the Responses API's conversation (docs/gateway.md, "Whose stored response or conversation")

    @Test
    void aConversationIsReadAsAStringOrAnObjectsIdAndAbsentOrNullIsNone() throws Exception {
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"conversation\":\"conv_1\"}"))
                        .conversation())
                .isEqualTo("conv_1");
        assertThat(RequestInspector.inspect(b(
                                "{\"conversation\":{\"extra\":[1,{\"id\":\"no\"}],\"id\":\"conv_2\"},\"model\":\"x\"}"))
                        .conversation())
                .isEqualTo("conv_2");
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\"}")).conversation())
                .isNull();
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"conversation\":null}"))
                        .conversation())
                .isNull();
        // longer than any id the gateway records: nobody's, the provider says it does not hold it
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"conversation\":\"" + "c".repeat(200) + "\"}"))
                        .conversation())
                .isNull();
        // what follows the object is still read
        assertThat(
                        RequestInspector.inspect(
                                b("{\"conversation\":{\"id\":\"conv_3\"},\"model\":\"x\",\"stream\":true}"))
                                .stream())
                .isTrue();
    }

    @Test
    void aConversationThatIsNeitherAnIdNorAnObjectWithAStringIdIsRefusedNamingIt() {
        for (String bad : new String[] {
            "1",
            "true",
            "[\"conv_1\"]",
            "{}",
            "{\"id\":1}",
            "{\"id\":null}",
            "{\"id\":{\"id\":\"conv_1\"}}",
            "{\"id\":\"conv_1\",\"id\":\"conv_2\"}"
        }) {
            assertThatThrownBy(() -> RequestInspector.inspect(b("{\"model\":\"x\",\"conversation\":" + bad + "}")))
                    .as(bad)
                    .isInstanceOf(RequestInspector.BadRequest.class)
                    .hasMessageStartingWith("conversation: ")
                    .satisfies(e ->
                            assertThat(((RequestInspector.BadRequest) e).param).isEqualTo("conversation"));
        }
    }

    @Test
    void aConversationGivenTwiceOrBesidePreviousResponseIdIsRefused() throws Exception {
        assertThatThrownBy(() -> RequestInspector.inspect(
                        b("{\"model\":\"x\",\"conversation\":\"conv_mine\",\"conversation\":{\"id\":\"conv_1\"}}")))
                .hasMessage("conversation: appears more than once in the request body")
                .satisfies(
                        e -> assertThat(((RequestInspector.BadRequest) e).param).isEqualTo("conversation"));
        assertThatThrownBy(() -> RequestInspector.inspect(
                        b("{\"model\":\"x\",\"previous_response_id\":\"resp_1\",\"conversation\":\"conv_1\"}")))
                .hasMessageContaining("previous_response_id")
                .satisfies(
                        e -> assertThat(((RequestInspector.BadRequest) e).param).isEqualTo("conversation"));
        // a null beside the other is no conflict
        var in = RequestInspector.inspect(
                b("{\"model\":\"x\",\"previous_response_id\":null,\"conversation\":{\"id\":\"conv_1\"}}"));
        assertThat(in.conversation()).isEqualTo("conv_1");
        assertThat(in.previousResponseId()).isNull();
    }

    @Test
    void anotherApisBodyMayCarryAConversationFieldOfItsOwn() throws Exception {
        var in = RequestInspector.inspect(
                b("{\"model\":\"x\",\"conversation\":[1],\"conversation\":7,\"previous_response_id\":\"r\"}"), false);
        assertThat(in.conversation()).isNull();
        assertThat(in.model()).isEqualTo("x");
    }
}
