-- Issue 11: requests, not just URLs. Every table is keyed by the request's identity (column request: a hash of
-- its method, canonical URL and body; see the README), and the queue keeps what to send: method, headers, body.
-- The rows of a database that knew only URLs are GETs without a body: their canonical URLs and identities were
-- computed by Sluice into the temporary table request_ids (url -> canonical, request) before this script runs.
-- Two spellings of one request (say http://Host/ and http://host/) become one row: the first one's in byte order.
ALTER TABLE results
    ADD COLUMN request text COLLATE "C",
    ADD COLUMN method  text NOT NULL DEFAULT 'GET';
UPDATE results r SET request = i.request FROM request_ids i WHERE i.url = r.url;
DELETE FROM results a USING results b WHERE a.request = b.request AND a.url > b.url;
UPDATE results r SET url = i.canonical FROM request_ids i WHERE i.url = r.url AND i.canonical <> r.url;
ALTER TABLE results DROP CONSTRAINT results_pkey, ALTER COLUMN request SET NOT NULL, ADD PRIMARY KEY (request);

ALTER TABLE records ADD COLUMN request text COLLATE "C";
UPDATE records d SET request = i.request FROM request_ids i WHERE i.url = d.url;
DELETE FROM records a USING records b WHERE a.request = b.request AND a.seq = b.seq AND a.url > b.url;
UPDATE records d SET url = i.canonical FROM request_ids i WHERE i.url = d.url AND i.canonical <> d.url;
ALTER TABLE records DROP CONSTRAINT records_pkey, ALTER COLUMN request SET NOT NULL, ADD PRIMARY KEY (request, seq);

ALTER TABLE bodies ADD COLUMN request text COLLATE "C";
UPDATE bodies b SET request = i.request FROM request_ids i WHERE i.url = b.url;
DELETE FROM bodies a USING bodies b WHERE a.request = b.request AND a.url > b.url;
UPDATE bodies b SET url = i.canonical FROM request_ids i WHERE i.url = b.url AND i.canonical <> b.url;
ALTER TABLE bodies DROP CONSTRAINT bodies_pkey, ALTER COLUMN request SET NOT NULL, ADD PRIMARY KEY (request);

ALTER TABLE queue
    ADD COLUMN request text COLLATE "C",
    ADD COLUMN method  text NOT NULL DEFAULT 'GET',
    ADD COLUMN headers jsonb,                               -- the request's own headers; null when none
    ADD COLUMN body    bytea;                               -- null when none
UPDATE queue q SET request = i.request FROM request_ids i WHERE i.url = q.url;
UPDATE queue q SET parent = p.request FROM request_ids p WHERE p.url = q.parent; -- parent: the discovering request
DELETE FROM queue a USING queue b WHERE a.request = b.request AND a.id > b.id;
UPDATE queue q SET url = i.canonical FROM request_ids i WHERE i.url = q.url AND i.canonical <> q.url;
ALTER TABLE queue DROP CONSTRAINT queue_url_key, ALTER COLUMN request SET NOT NULL, ADD UNIQUE (request);

DROP TABLE request_ids;
