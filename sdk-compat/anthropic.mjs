// The official Anthropic SDK against Tally: messages JSON, both ways of streaming, count_tokens, and the error cases.
import Anthropic from '@anthropic-ai/sdk';
import { baseUrl, key, marker, call, corruptingFetch, badKey } from './common.mjs';

const options = { baseURL: baseUrl, maxRetries: 0, timeout: 20_000 };
// records the headers the SDK itself sends, so the test can check Tally forwarded them unchanged
let sent = {};
const recordingFetch = (url, init) => {
  const headers = new Headers(init?.headers);
  sent = { anthropicVersion: headers.get('anthropic-version'), anthropicBeta: headers.get('anthropic-beta') };
  return fetch(url, init);
};
const client = new Anthropic({ apiKey: key, ...options, fetch: recordingFetch });
const messages = [{ role: 'user', content: 'Say hello' }];
const model = 'claude-sonnet-4-5';

function usage(u) {
  if (!u) return null;
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? null,
    cache_read_input_tokens: u.cache_read_input_tokens ?? null,
  };
}

await call('anthropic.messages.json', async () => {
  const { data, response } = await client.messages
    .create({ model, max_tokens: 256, messages, metadata: { user_id: `${marker}-anthropic.messages.json` } })
    .withResponse();
  return {
    requestId: response.headers.get('x-request-id'),
    sdkRequestId: data._request_id ?? null,
    sent,
    id: data.id, type: data.type, model: data.model, stopReason: data.stop_reason,
    text: data.content.map((b) => b.text ?? '').join(''),
    usage: usage(data.usage),
  };
});

// as Claude Code does with ANTHROPIC_AUTH_TOKEN: the key as `Authorization: Bearer`, no x-api-key
await call('anthropic.messages.bearer.json', async () => {
  const bearer = new Anthropic({ apiKey: null, authToken: key, ...options });
  const { data, response } = await bearer.messages
    .create({ model, max_tokens: 256, messages, metadata: { user_id: `${marker}-anthropic.messages.bearer.json` } })
    .withResponse();
  return {
    requestId: response.headers.get('x-request-id'),
    text: data.content.map((b) => b.text ?? '').join(''),
    usage: usage(data.usage),
  };
});

await call('anthropic.messages.stream_helper', async () => {
  const stream = client.messages.stream({
    model, max_tokens: 256, messages, metadata: { user_id: `${marker}-anthropic.messages.stream_helper` },
  });
  const { response } = await stream.withResponse();
  let text = '';
  stream.on('text', (delta) => { text += delta; });
  const final = await stream.finalMessage();
  return {
    requestId: response.headers.get('x-request-id'),
    text, finalText: final.content.map((b) => b.text ?? '').join(''),
    model: final.model, stopReason: final.stop_reason, usage: usage(final.usage),
  };
});

await call('anthropic.messages.stream_true', async () => {
  const { data, response } = await client.messages
    .create({ model, max_tokens: 256, messages, stream: true, metadata: { user_id: `${marker}-anthropic.messages.stream_true` } })
    .withResponse();
  const events = [];
  let text = '';
  let startUsage = null;
  let deltaUsage = null;
  for await (const event of data) {
    events.push(event.type);
    if (event.type === 'message_start') startUsage = usage(event.message.usage);
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    if (event.type === 'message_delta') deltaUsage = { output_tokens: event.usage.output_tokens };
  }
  return {
    requestId: response.headers.get('x-request-id'),
    contentType: response.headers.get('content-type'),
    events, text, startUsage, deltaUsage,
  };
});

await call('anthropic.messages.count_tokens', async () => {
  const { data, response } = await client.messages.countTokens({ model, messages }).withResponse();
  return { requestId: response.headers.get('x-request-id'), inputTokens: data.input_tokens };
});

await call('anthropic.models.list', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  return { ids };
});

await call('anthropic.error.bad_key', () =>
  new Anthropic({ apiKey: badKey, ...options }).messages.create({ model, max_tokens: 16, messages }));

await call('anthropic.error.unknown_model', () =>
  client.messages.create({ model: 'mistral-large-latest', max_tokens: 16, messages }));

await call('anthropic.error.malformed_body', () =>
  new Anthropic({ apiKey: key, ...options, fetch: corruptingFetch() }).messages.create({ model, max_tokens: 16, messages }));
