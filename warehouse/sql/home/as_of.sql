-- The end of "the last 30 days" on the home pages: the newest order in the lake.
-- Demo data ends today; a real feed may end earlier, and figures should still cover the
-- 30 days that have data rather than an empty window that ends now.
select max(ordered_at) as as_of
from lake.fct_order
