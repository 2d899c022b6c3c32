-- Issue 11: the queue is the frontier of discovered work too: each request keeps where it came from.
ALTER TABLE queue
    ADD COLUMN parent text COLLATE "C",                    -- the url of the request that discovered it; null for input
    ADD COLUMN depth  integer NOT NULL DEFAULT 0,          -- 0 for input, the parent's + 1
    ADD COLUMN rule   text    NOT NULL DEFAULT 'input' CHECK (rule IN ('input', 'paginate', 'follow', 'link')),
    ADD COLUMN page   integer NOT NULL DEFAULT 1;          -- place in its pagination chain
