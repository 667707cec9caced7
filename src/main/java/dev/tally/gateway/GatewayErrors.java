package dev.tally.gateway;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.vertx.core.buffer.Buffer;

/**
 * Error bodies in the caller's API format, so SDKs raise their usual typed errors:
 * OpenAI {@code {"error":{"message","type","param","code"}}} and Anthropic
 * {@code {"type":"error","error":{"type","message"},"request_id"}}.
 */
final class GatewayErrors {

    private GatewayErrors() {}

    static Buffer body(Api.Wire wire, int status, String message, String param, String requestId) {
        return body(wire, status, openAiCode(status), message, param, requestId);
    }

    /** The same with OpenAI's {@code code} given rather than taken from the status. */
    static Buffer body(Api.Wire wire, int status, String openAiCode, String message, String param, String requestId) {
        String msg = quote(message);
        String json;
        if (wire == Api.Wire.ANTHROPIC) {
            json = "{\"type\":\"error\",\"error\":{\"type\":\"" + anthropicType(status) + "\",\"message\":" + msg
                    + "},\"request_id\":" + quote(requestId) + "}";
        } else {
            json = "{\"error\":{\"message\":" + msg + ",\"type\":\"" + openAiType(status) + "\",\"param\":"
                    + (param == null ? "null" : quote(param)) + ",\"code\":"
                    + (openAiCode == null ? "null" : quote(openAiCode)) + "}}";
        }
        return Buffer.buffer(json.getBytes(StandardCharsets.UTF_8));
    }

    static String anthropicType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408, 431 -> "invalid_request_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> "api_error";
        };
    }

    static String openAiType(int status) {
        return switch (status) {
            case 400, 401, 403, 404, 405, 408, 413, 431 -> "invalid_request_error";
            case 429 -> "rate_limit_error";
            case 402 -> "insufficient_quota";
            default -> "server_error";
        };
    }

    static String openAiCode(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "invalid_api_key";
            case 402 -> "budget_exceeded";
            case 403 -> "model_not_allowed";
            case 404 -> "model_not_found";
            case 408 -> "request_timeout";
            case 413 -> "request_too_large";
            case 431 -> "request_header_fields_too_large";
            case 429 -> "rate_limit_exceeded";
            case 502 -> "upstream_unreachable";
            case 503 -> "service_unavailable";
            case 504 -> "upstream_timeout";
            default -> "internal_error";
        };
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
