// The official OpenAI SDK against Tally: chat completions JSON and streams, the Responses API JSON and
// stream and its calls on a stored response, the Conversations API, models, and the error cases.
import OpenAI from 'openai';
import { baseUrl, key, marker, call, corruptingFetch, badKey } from './common.mjs';

const options = { baseURL: `${baseUrl}/v1`, maxRetries: 0, timeout: 20_000 };
const client = new OpenAI({ apiKey: key, ...options });
const messages = [{ role: 'user', content: 'Say hello' }];

function usage(u) {
  if (!u) return null;
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.total_tokens,
    cached_tokens: u.prompt_tokens_details?.cached_tokens ?? null,
    reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? null,
  };
}

async function stream(name, extra) {
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages, stream: true, user: `${marker}-${name}`, ...extra })
    .withResponse();
  let text = '';
  let chunks = 0;
  let finishReason = null;
  let usageChunks = 0;
  let lastUsage = null;
  for await (const chunk of data) {
    chunks++;
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? '';
      finishReason = choice.finish_reason ?? finishReason;
    }
    if (chunk.usage) {
      usageChunks++;
      lastUsage = chunk.usage;
    }
  }
  return {
    requestId: response.headers.get('x-request-id'),
    contentType: response.headers.get('content-type'),
    text, chunks, finishReason, usageChunks, usage: usage(lastUsage),
  };
}

await call('openai.chat.json', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages, user: `${marker}-openai.chat.json` })
    .withResponse();
  return {
    requestId: response.headers.get('x-request-id'),
    sdkRequestId: data._request_id ?? null,
    id: data.id, object: data.object, model: data.model,
    text: data.choices[0].message.content, finishReason: data.choices[0].finish_reason,
    usage: usage(data.usage),
  };
});

await call('openai.chat.stream', () => stream('openai.chat.stream', {}));

await call('openai.chat.stream_include_usage', () =>
  stream('openai.chat.stream_include_usage', { stream_options: { include_usage: true } }));

function responsesUsage(u) {
  if (!u) return null;
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    total_tokens: u.total_tokens,
    cached_tokens: u.input_tokens_details?.cached_tokens ?? null,
    reasoning_tokens: u.output_tokens_details?.reasoning_tokens ?? null,
  };
}

await call('openai.responses.json', async () => {
  const { data, response } = await client.responses
    .create({ model: 'gpt-4o-mini', input: 'Say hello', user: `${marker}-openai.responses.json` })
    .withResponse();
  return {
    requestId: response.headers.get('x-request-id'),
    sdkRequestId: data._request_id ?? null,
    id: data.id, object: data.object, status: data.status, model: data.model,
    // output_text: the SDK's own join of the answer's output_text parts
    text: data.output_text,
    usage: responsesUsage(data.usage),
  };
});

await call('openai.responses.stream', async () => {
  const { data, response } = await client.responses
    .create({ model: 'gpt-4o-mini', input: 'Say hello', stream: true, user: `${marker}-openai.responses.stream` })
    .withResponse();
  const types = [];
  let text = '';
  let completed = null;
  for await (const event of data) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  return {
    requestId: response.headers.get('x-request-id'),
    contentType: response.headers.get('content-type'),
    types, text, status: completed?.status ?? null, usage: responsesUsage(completed?.usage),
  };
});

// The calls on a stored response; each its own id (the fake holds every id), so the test can find
// what the upstream received by its path.
const storedId = (call) => `resp_${marker.replace(/[^A-Za-z0-9]/g, '')}${call}`;

await call('openai.responses.retrieve', async () => {
  const { data, response } = await client.responses.retrieve(storedId('retrieve')).withResponse();
  return {
    requestId: response.headers.get('x-request-id'),
    id: data.id, object: data.object, status: data.status, text: data.output_text,
    usage: responsesUsage(data.usage),
  };
});

await call('openai.responses.input_items', async () => {
  const { data: page, response } = await client.responses.inputItems
    .list(storedId('items'), { limit: 1, order: 'asc' })
    .withResponse();
  const items = [];
  for await (const item of page) {
    items.push({ id: item.id, type: item.type, role: item.role, text: item.content?.[0]?.text ?? null });
  }
  return { requestId: response.headers.get('x-request-id'), items };
});

await call('openai.responses.delete', async () => {
  // the SDK types delete as void: the raw answer is what the test looks at
  const response = await client.responses.delete(storedId('delete')).asResponse();
  return { requestId: response.headers.get('x-request-id'), status: response.status, body: await response.json() };
});

// The Conversations API through the gateway: a conversation made, read, given items, listed, used
// by a response, deleted; each step its own SDK call, so the test sees every answer as the SDK parsed it.
await call('openai.conversations', async () => {
  const requestIds = [];
  const sent = async (promise) => {
    const { data, response } = await promise.withResponse();
    requestIds.push(response.headers.get('x-request-id'));
    return data;
  };
  const created = await sent(client.conversations
    .create({ metadata: { topic: 'sdk' }, items: [{ type: 'message', role: 'user', content: 'Hi' }] }));
  const got = await sent(client.conversations.retrieve(created.id));
  const added = await sent(client.conversations.items.create(created.id, {
    items: [{ type: 'message', role: 'user', content: 'Say hello' }],
  }));
  const listed = [];
  for await (const item of await sent(client.conversations.items.list(created.id, { limit: 10 }))) {
    listed.push(item.type);
  }
  const answer = await sent(client.responses.create({
    model: 'gpt-4o-mini', input: 'Say hello', conversation: created.id,
    user: `${marker}-openai.conversations.response`,
  }));
  const deleted = await sent(client.conversations.delete(created.id));
  return {
    requestIds,
    id: created.id, object: created.object, metadata: created.metadata,
    retrieved: got.id, addedObject: added.object, addedItems: added.data.length, listed,
    responseText: answer.output_text, deleted: deleted.deleted, deletedObject: deleted.object,
  };
});

// encoding_format given: left out, the SDK asks for base64 and decodes it, which the test's fake
// upstream does not produce (it always answers floats)
await call('openai.embeddings.float', async () => {
  const { data, response } = await client.embeddings
    .create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float', user: `${marker}-openai.embeddings.float` })
    .withResponse();
  return {
    requestId: response.headers.get('x-request-id'),
    model: data.model, dimensions: data.data[0].embedding.length,
    usage: { prompt_tokens: data.usage.prompt_tokens, total_tokens: data.usage.total_tokens },
  };
});

await call('openai.models.list', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  return { ids };
});

await call('openai.error.bad_key', () =>
  new OpenAI({ apiKey: badKey, ...options }).chat.completions.create({ model: 'gpt-4o-mini', messages }));

await call('openai.error.unknown_model', () =>
  client.chat.completions.create({ model: 'mistral-large-latest', messages }));

await call('openai.error.malformed_body', () =>
  new OpenAI({ apiKey: key, ...options, fetch: corruptingFetch() })
    .chat.completions.create({ model: 'gpt-4o-mini', messages }));
