// No SDK: a malformed body sent with plain fetch to both APIs, and a request shaped like Claude Code's
// (x-api-key, anthropic-version, anthropic-beta, streaming), read as raw SSE.
import { baseUrl, key, marker, call } from './common.mjs';

async function malformed(path, headers) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"model": "gpt-4o-mini", "messages": [',
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    requestId: response.headers.get('x-request-id'),
    body: await response.json(),
  };
}

await call('raw.openai.malformed_body', () => malformed('/v1/chat/completions', { authorization: `Bearer ${key}` }));

await call('raw.anthropic.malformed_body', () =>
  malformed('/v1/messages', { 'x-api-key': key, 'anthropic-version': '2023-06-01' }));

export const claudeCodeBeta = 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14';

await call('raw.claude_code.stream', async () => {
  const response = await fetch(`${baseUrl}/v1/messages?beta=true`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-api-key': key,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': claudeCodeBeta,
      'anthropic-dangerous-direct-browser-access': 'true',
      'x-app': 'cli',
      'user-agent': 'claude-cli/2.0.0 (external, cli)',
    },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      stream: true,
      metadata: { user_id: `${marker}-raw.claude_code.stream` },
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello', cache_control: { type: 'ephemeral' } }] }],
      tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
    }),
  });
  const raw = await response.text();
  const events = [];
  let text = '';
  let startUsage = null;
  let deltaUsage = null;
  for (const block of raw.split('\n\n')) {
    const eventLine = block.split('\n').find((l) => l.startsWith('event: '));
    const dataLine = block.split('\n').find((l) => l.startsWith('data: '));
    if (!eventLine || !dataLine) continue;
    const data = JSON.parse(dataLine.slice(6));
    events.push(eventLine.slice(7));
    if (data.type === 'message_start') startUsage = data.message.usage;
    if (data.type === 'content_block_delta') text += data.delta.text ?? '';
    if (data.type === 'message_delta') deltaUsage = data.usage;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    requestId: response.headers.get('x-request-id'),
    events, text, startUsage, deltaUsage,
  };
});
