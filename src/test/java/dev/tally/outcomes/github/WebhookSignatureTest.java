package dev.tally.outcomes.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    /** The worked example of GitHub's "Validating webhook deliveries" documentation. */
    @Test
    void matchesGitHubsDocumentedExample() {
        WebhookSignature s = new WebhookSignature("It's a Secret to Everybody");
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        assertThat(s.sign(body)).isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        assertThat(s.verify(body, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"))
                .isEqualTo(WebhookSignature.Result.VALID);
    }

    @Test
    void aSignatureOverOtherBytesOrWithAnotherSecretIsAMismatch() {
        WebhookSignature s = new WebhookSignature("secret");
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String good = s.sign(body);
        assertThat(s.verify("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), good))
                .isEqualTo(WebhookSignature.Result.MISMATCH);
        assertThat(s.verify(body, new WebhookSignature("other").sign(body)))
                .isEqualTo(WebhookSignature.Result.MISMATCH);
        assertThat(s.verify(body, good.toUpperCase().replace("SHA256=", "sha256=")))
                .isEqualTo(WebhookSignature.Result.VALID);
    }

    @Test
    void missingAndMalformedHeadersAreToldApart() {
        WebhookSignature s = new WebhookSignature("secret");
        byte[] body = new byte[] {1, 2, 3};
        assertThat(s.verify(body, null)).isEqualTo(WebhookSignature.Result.MISSING);
        assertThat(s.verify(body, " ")).isEqualTo(WebhookSignature.Result.MISSING);
        assertThat(s.verify(body, "sha1=abcdef")).isEqualTo(WebhookSignature.Result.MALFORMED);
        assertThat(s.verify(body, "sha256=not-hex")).isEqualTo(WebhookSignature.Result.MALFORMED);
        assertThat(s.verify(body, "sha256=abcd")).isEqualTo(WebhookSignature.Result.MISMATCH);
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThatThrownBy(() -> new WebhookSignature("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookSignature(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
