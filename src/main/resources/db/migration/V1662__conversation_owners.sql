-- The owners of conversations (OpenAI's Conversations API) are kept in response_owner beside those of
-- stored responses (docs/gateway.md, "Whose stored response or conversation"): both ids are the
-- provider's and never the same (conv_… and resp_…), and both are looked up the same way. A
-- conversation is kept by the provider until it is deleted, not for 30 days like a stored response, so
-- its owner must not be forgotten with theirs: without its row, any key could read or extend it.
ALTER TABLE response_owner ADD COLUMN conversation boolean NOT NULL DEFAULT false;
