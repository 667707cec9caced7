// Shared by the compatibility scripts: configuration from the environment, one JSON line per call.
// Prompts are fixed test strings; nothing here logs what a model answered beyond the fake's text.

export const baseUrl = required('TALLY_BASE_URL').replace(/\/+$/, '');
export const key = required('TALLY_KEY');
/** Put into OpenAI `user` / Anthropic `metadata.user_id`, so the test can find what the upstream saw. */
export const marker = process.env.TALLY_MARKER ?? 'sdk-compat';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

/** Prints one line: what the SDK parsed, or the SDK's error as the SDK classified it. */
export async function call(name, fn) {
  const line = { call: name };
  try {
    Object.assign(line, { ok: true }, await fn());
  } catch (e) {
    line.ok = false;
    line.error = sdkError(e);
  }
  console.log(JSON.stringify(line));
}

export function sdkError(e) {
  return {
    class: e?.constructor?.name ?? typeof e,
    status: e?.status ?? null,
    // OpenAI: error.type/code/param; Anthropic: APIError.type is the body's error.type
    type: e?.type ?? null,
    code: e?.code ?? null,
    param: e?.param ?? null,
    message: e?.message ?? String(e),
    body: e?.error ?? null,
    requestId: e?.headers?.get?.('x-request-id') ?? null,
    // what the SDK itself reports as the request id (OpenAI: x-request-id; Anthropic: request-id)
    sdkRequestId: e?.requestID ?? null,
    contentType: e?.headers?.get?.('content-type') ?? null,
  };
}

/** A fetch that sends a truncated body instead of the SDK's JSON: how a malformed body reaches the SDK's error path. */
export function corruptingFetch() {
  return (url, options) => fetch(url, { ...options, body: '{"model": "x", "messages": [' });
}

export const badKey = 'tly_0000000000000000000000000000000000bad';
