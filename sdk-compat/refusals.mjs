// The official SDKs against Tally's refusals, with their default retry settings: a refusal that
// retrying cannot cure (401, 402, 403, 404, 400, 413: x-should-retry: false) must cost exactly one request
// and show Tally's message; a refusal that can pass later (429 with retry-after, a 502) must be retried.
// Each call counts the requests the SDK really sent, through its fetch.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { baseUrl, key, call, sdkError } from './common.mjs';

const revokedKey = required('TALLY_REVOKED_KEY');
const restrictedKey = required('TALLY_RESTRICTED_KEY');
const spentKey = required('TALLY_SPENT_KEY');
const limitedKeys = { openai: required('TALLY_LIMITED_KEY_OPENAI'), anthropic: required('TALLY_LIMITED_KEY_ANTHROPIC') };

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

/**
 * A fetch that counts requests and notes each response's status and retry headers. A 429's
 * retry-after is shortened to 1 s once noted: the SDKs wait what it says (up to a minute), and what
 * is checked here is whether they retry, not the minute.
 */
function counting() {
  const seen = { requests: 0, statuses: [], retryAfter: [], shouldRetry: [] };
  const fetchFn = async (url, init) => {
    seen.requests++;
    const response = await fetch(url, init);
    seen.statuses.push(response.status);
    seen.retryAfter.push(response.headers.get('retry-after'));
    seen.shouldRetry.push(response.headers.get('x-should-retry'));
    if (response.status !== 429) return response;
    const headers = new Headers(response.headers);
    headers.set('retry-after', '1');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
  return { seen, fetchFn };
}

const clients = {
  openai: (apiKey, fetchFn, extra = {}) => new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, fetch: fetchFn, timeout: 20_000, ...extra }),
  anthropic: (apiKey, fetchFn, extra = {}) => new Anthropic({ apiKey, baseURL: baseUrl, fetch: fetchFn, timeout: 20_000, ...extra }),
};
const models = { openai: 'gpt-4o-mini', anthropic: 'claude-sonnet-4-5' };

function create(sdk, client, model, content = 'Say hello') {
  const messages = [{ role: 'user', content }];
  return sdk === 'openai'
    ? client.chat.completions.create({ model, messages })
    : client.messages.create({ model, max_tokens: 16, messages });
}

/** Runs one call and reports what the SDK threw and how many requests it took to throw it. */
async function refused(name, sdk, apiKey, model, { extra, content, before } = {}) {
  await call(name, async () => {
    const { seen, fetchFn } = counting();
    const client = clients[sdk](apiKey, fetchFn, extra);
    if (before) {
      await before(client);
      Object.assign(seen, { requests: 0, statuses: [], retryAfter: [], shouldRetry: [] });
    }
    try {
      await create(sdk, client, model, content);
      return { refused: false, ...seen };
    } catch (e) {
      return { refused: true, ...seen, error: sdkError(e) };
    }
  });
}

for (const sdk of ['openai', 'anthropic']) {
  const model = models[sdk];
  // retryable first, so the rate-limited key's minute is not over before its retries are
  await refused(`${sdk}.retried.rate_limited`, sdk, limitedKeys[sdk], model, {
    before: (client) => create(sdk, client, model), // the key's one call this minute
  });
  await refused(`${sdk}.retried.unreachable`, sdk, key, 'dead-model');
  await refused(`${sdk}.stopped.revoked`, sdk, revokedKey, model);
  await refused(`${sdk}.stopped.model_not_allowed`, sdk, restrictedKey, model);
  await refused(`${sdk}.stopped.no_route`, sdk, key, 'llama-3.3-70b');
  await refused(`${sdk}.stopped.bad_request`, sdk, key, model, { extra: { defaultHeaders: { 'x-tally-run-id': 'not a run id' } } });
  await refused(`${sdk}.stopped.too_large`, sdk, key, model, { content: 'x'.repeat(1100 * 1024) });
  await refused(`${sdk}.stopped.budget_exceeded`, sdk, spentKey, model);
}
